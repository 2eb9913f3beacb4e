// A polite live region for news that comes many times a second (training progress): screen
// readers hear at most one update every `cada` ms, always the latest; final news goes at once.

/**
 * @param {HTMLElement} nodo  the region (made aria-live="polite" here)
 * @param {number} cada  the least time between two updates, in ms
 * Returns decir(texto, {ya}): ya = true speaks now (an end, an error) and drops what waits.
 */
export function crearAnuncio(nodo, cada = 5000) {
  nodo.setAttribute('aria-live', 'polite');
  let ultimo = -Infinity;   // when the region last changed (Date.now())
  let espera = null;        // the text waiting for its turn
  let temporizador = null;

  function poner(texto) {
    clearTimeout(temporizador);
    temporizador = null;
    espera = null;
    ultimo = Date.now();
    nodo.textContent = texto;
  }

  return function decir(texto, { ya = false } = {}) {
    const falta = ultimo + cada - Date.now();
    if (ya || falta <= 0) { poner(texto); return; }
    espera = texto;
    temporizador ??= setTimeout(() => poner(espera), falta);
  };
}
