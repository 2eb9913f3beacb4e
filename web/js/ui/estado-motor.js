// Status line under the header: that the engine is ready (which variant runs is a detail for the
// teacher, kept in the line's tooltip), and the MNIST download progress.

import { motor as T } from '../textos.js';
import { entero, numero } from '../formato.js';
import { mensajeDeError } from './mensajes.js';

export function crearEstadoMotor(raiz) {
  const variante = raiz.querySelector('#motor-variante');
  const nota = raiz.querySelector('#motor-nota');
  const barra = raiz.querySelector('#datos-progreso');
  const texto = raiz.querySelector('#datos-texto');
  const error = raiz.querySelector('#motor-error');
  const reintento = raiz.querySelector('#motor-reintento');

  const mostrarNota = (frase) => { nota.textContent = frase; nota.hidden = !frase; };

  return {
    mostrarMotor({ variant, threads }) {
      reintento.hidden = true;
      variante.textContent = T.listo;
      variante.title = T.variante[variant]?.(entero(threads)) ?? variant;
      variante.dataset.variant = variant;
      if (variant === 'scalar') mostrarNota(T.nota_sin_simd);
      else if (variant === 'simd') mostrarNota(T.nota_un_hilo);
      else mostrarNota('');
    },
    // Sizes in bytes; a total of 0 means the server did not say, so the bar stays indeterminate.
    progresoDatos({ loaded, total }) {
      barra.hidden = false;
      if (total > 0) { barra.max = total; barra.value = loaded; } else barra.removeAttribute('value');
      const mb = (n) => `${numero(n / 1e6, 1)} MB`;
      texto.textContent = T.datos_cargando(mb(loaded), total > 0 ? mb(total) : '?');
    },
    datosListos({ train, test }) {
      barra.max = 1; barra.value = 1;
      barra.hidden = true;
      texto.textContent = T.datos_listos(entero(train), entero(test));
    },
    // The engine's worker did not load; the client tries again in `ms`, or now with the button.
    esperarReintento(ms, alReintentar) {
      reintento.querySelector('span').textContent = T.sin_motor(entero(Math.ceil(ms / 1000)));
      reintento.querySelector('button').onclick = alReintentar;
      reintento.hidden = false;
    },
    fallo(e, frase = T.fallo_arranque) {
      error.textContent = `${frase} ${e ? mensajeDeError(e) : ''}`.trim();
      error.hidden = false;
    },
  };
}
