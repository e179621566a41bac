// Writes recipe.schema.json from the schema in src (a test checks that the file is up to date).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recipeSchema } from '../src/recipe/recipe-schema';

writeFileSync(fileURLToPath(new URL('../recipe.schema.json', import.meta.url)), `${JSON.stringify(recipeSchema, null, 2)}\n`);
