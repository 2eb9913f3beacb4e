// teach-set.test.mjs: «Enséñale a la red»'s set without the page: the guided order asks for N
// of each digit in a shuffled order that the seed fixes, the split holds out every 3rd drawing
// of each digit whatever the order they were drawn in, and the measure counts a confusion table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dividir, dividirClase, medir, ordenGuiado, porCifraValido } from '../../web/js/leccion/ensena-datos.js';

describe('teach set', () => {
  it('the guided order asks for n of each digit, shuffled, the same for the same seed', () => {
    const a = ordenGuiado(5, 42), b = ordenGuiado(5, 42), c = ordenGuiado(5, 43);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.deepEqual([...a].sort(), Array.from({ length: 50 }, (_, i) => Math.floor(i / 5)));
    assert.notDeepEqual(a, [...a].sort());
    assert.deepEqual([porCifraValido(1), porCifraValido(7.4), porCifraValido(99), porCifraValido('x')], [2, 7, 20, 5]);
  });

  it('every 3rd drawing of a digit is held out, in the order drawn', () => {
    // Digits drawn 1 1 2 1 2 2 1: the 3rd 1 (index 3) and the 3rd 2 (index 5) are held out.
    const dibujos = [1, 1, 2, 1, 2, 2, 1].map((cifra) => ({ cifra }));
    assert.deepEqual(dividir(dibujos), { aprender: [0, 1, 2, 4, 6], aparte: [3, 5] });
  });

  it('the class set holds out 20 % of each digit, uneven counts too, the same every time', () => {
    // Counts per digit 0–9: 150 in all, uneven; 1 one and no 9 at all.
    const counts = [30, 1, 2, 3, 10, 24, 16, 40, 24, 0];
    const dibujos = counts.flatMap((n, cifra) => Array.from({ length: n }, () => ({ cifra })));
    const { aprender, aparte } = dividirClase(dibujos);
    const held = (cifra) => aparte.filter((i) => dibujos[i].cifra === cifra).length;
    // round(0.2 · n), at least 1 from 2 drawings on, never all: 30 → 6, 1 → 0, 2 → 1, 3 → 1, 10 → 2, 24 → 5, 16 → 3, 40 → 8.
    assert.deepEqual(counts.map((_, c) => held(c)), [6, 0, 1, 1, 2, 5, 3, 8, 5, 0]);
    assert.deepEqual([...aprender, ...aparte].sort((a, b) => a - b), dibujos.map((_, i) => i));
    assert.deepEqual(dividirClase(dibujos), { aprender, aparte });
    // Not simply the first of each digit: the seeded shuffle picks them.
    const sevens = dibujos.flatMap((d, i) => (d.cifra === 7 ? [i] : []));
    assert.notDeepEqual(aparte.filter((i) => dibujos[i].cifra === 7), sevens.slice(0, 8));
  });

  it('the measure: accuracy, per digit, confusion (row drawn, column read) and the misread', () => {
    const m = medir([3, 3, 5, 5, 5], [3, 7, 5, 0, 5]);
    assert.equal(m.aciertos, 3);
    assert.equal(m.exactitud, 3 / 5);
    assert.deepEqual(m.porCifra[5], { aciertos: 2, total: 3 });
    assert.equal(m.confusion[3][7], 1);
    assert.equal(m.confusion[5][0], 1);
    assert.equal(m.confusion[5][5], 2);
    assert.deepEqual(m.fallos, [1, 3]);
  });
});

describe('teach questions in a live class', () => {
  it('the class server knows the section\'s questions, so their answers reach the teacher', async () => {
    const { questionIds } = await import('../../server/aula/catalog.mjs');
    const ids = questionIds(new URL('../../web/', import.meta.url).pathname);
    for (const id of ['question-finetune', 'question-augment', 'question-forgetting', 'question-overfitting']) {
      assert.ok(ids.has(id), id);
    }
  });
});

describe('teach set kept in the browser', () => {
  it('a drawing may keep its strokes; strokes that are not points make the record damaged', async () => {
    const { conjuntoValido } = await import('../../web/js/leccion/ensena-guardado.js');
    const dibujo = (trazos) => ({ cifra: 4, pixeles: new Uint8Array(784), ...(trazos && { trazos }) });
    const conjunto = (...dibujos) => ({ modo: 'arabiga', porCifra: 5, dibujos });
    assert.ok(conjuntoValido(conjunto(dibujo(), dibujo([[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.5]]]))));
    assert.equal(conjuntoValido(conjunto(dibujo([[[0.1, 'x']]]))), false);
    assert.equal(conjuntoValido(conjunto(dibujo([[]]))), false);
    assert.equal(conjuntoValido(conjunto(dibujo('trazos'))), false);
  });
});
