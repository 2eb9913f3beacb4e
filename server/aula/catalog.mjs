// catalog.mjs: the lesson's question ids, read from the served page's code: every
// crearPregunta call names its question with an id such as 'question-weights' or
// 'task-shape' (the page's data-testid prefix). An answer to any other id is refused.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ID = /\bid: '((?:question|task)-[a-z0-9-]{1,48})'/g;

export function questionIds(root) {
  const ids = new Set();
  let files = [];
  try {
    files = readdirSync(join(root, 'js', 'leccion'), { recursive: true }).filter((f) => f.endsWith('.js')).sort();
  } catch {
    return ids;  // a root without the lesson (a test fixture): no question is known
  }
  for (const f of files) {
    for (const m of readFileSync(join(root, 'js', 'leccion', f), 'utf8').matchAll(ID)) ids.add(m[1]);
  }
  return ids;
}
