import { SrlError } from '@srl/core/base';
import { parameterSpecs } from './parameter-specs';
import type { TransformerConfig } from './transformer-config';
import { hfToStored } from './weight-layout';

/** A tensor in Hugging Face layout (row-major float32). */
export interface HfTensor {
  shape: readonly number[];
  data: Float32Array;
}

/**
 * The stored values (the forward pass's layout, parameter-specs.ts) of every parameter of `config`, from Hugging
 * Face tensors (names and shapes as in `model.safetensors`). Unknown names are refused except buffers that carry
 * no weights (`*.attn.bias`, `*.attn.masked_bias`, `*.rotary_emb.inv_freq`); a tied `lm_head.weight` is accepted.
 * A `transformer.` / GPT-2 prefix is tolerated. Every problem is listed in one `SrlError` (kind `validation`).
 */
export function storedFromHuggingFace(config: TransformerConfig, tensors: ReadonlyMap<string, HfTensor>): Map<string, Float32Array> {
  const byName = new Map<string, HfTensor>();
  for (const [name, t] of tensors) byName.set(name.startsWith('transformer.') ? name.slice('transformer.'.length) : name, t);
  const problems: string[] = [];
  const values = new Map<string, Float32Array>();
  for (const spec of parameterSpecs(config)) {
    const t = byName.get(spec.name);
    if (t === undefined) {
      problems.push(`missing ${spec.name} [${spec.hfShape.join(', ')}]`);
      continue;
    }
    if (t.shape.length !== spec.hfShape.length || t.shape.some((d, i) => d !== spec.hfShape[i])) {
      problems.push(`${spec.name} has shape [${t.shape.join(', ')}], expected [${spec.hfShape.join(', ')}]`);
      continue;
    }
    values.set(spec.name, hfToStored(spec, t.data));
    byName.delete(spec.name);
  }
  for (const name of byName.keys()) {
    const ignorable = /\.attn\.(masked_)?bias$|rotary_emb\.inv_freq$/.test(name) || (name === 'lm_head.weight' && config.tieEmbeddings);
    if (!ignorable) problems.push(`unexpected tensor ${name}`);
  }
  if (problems.length > 0) {
    throw new SrlError(
      'validation',
      `checkpoint does not match the ${config.family} config: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? ` (and ${problems.length - 8} more)` : ''}`,
      { details: problems },
    );
  }
  return values;
}
