/** A chat message, as OpenAI-compatible servers and Hugging Face chat templates take it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

/** A prompt is plain text (already formatted) or a chat to format with the policy's template. */
export type Prompt = string | ChatMessage[];
