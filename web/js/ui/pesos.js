// "Guardar y cargar pesos": download the model's weights as a file and load one back.
// A bad file is refused by the engine with a code; the model in the worker stays as it was.

import { pesos as T } from '../textos.js';
import { numero } from '../formato.js';
import { mensajeDeError } from './mensajes.js';

// The largest weights file the engine writes is keras-mnist's in float32, 4.8 MB; anything far
// bigger is not one, and reading a stray video into memory to find out would only hurt.
export const MAXIMO_BYTES = 64 * 1024 * 1024;

export function crearPesos(raiz, cliente, { alCargar }) {
  const guardar = raiz.querySelector('[data-testid="weights-save"]');
  const archivo = raiz.querySelector('[data-testid="weights-load"]');
  const mediaPrecision = raiz.querySelector('#pesos-f16');
  const mensaje = raiz.querySelector('[data-testid="weights-message"]');
  let nombreModelo = 'convaula';

  function avisar(texto, estado) {
    mensaje.textContent = texto;
    mensaje.dataset.state = estado;
  }

  guardar.addEventListener('click', async () => {
    try {
      const buffer = await cliente.saveWeights({ f16: mediaPrecision.checked });
      const url = URL.createObjectURL(new Blob([buffer], { type: 'application/octet-stream' }));
      const enlace = document.createElement('a');
      enlace.href = url;
      enlace.download = `${nombreModelo}${mediaPrecision.checked ? '-f16' : ''}.pesos`;
      enlace.click();
      // The download has started from the click; the URL can go once the event loop turns.
      setTimeout(() => URL.revokeObjectURL(url));
      avisar(T.guardados(T.kb(numero(buffer.byteLength / 1024, 0))), 'ok');
    } catch (error) {
      avisar(`${T.fallo_guardado} ${mensajeDeError(error)}`, 'error');
    }
  });

  archivo.addEventListener('change', async () => {
    const elegido = archivo.files[0];
    archivo.value = '';  // choosing the same file again must fire "change" again
    if (!elegido) return;
    if (elegido.size === 0 || elegido.size > MAXIMO_BYTES) {
      avisar(`${T.fallo_carga} ${elegido.size ? T.archivo_grande(numero(elegido.size / 1e6, 0)) : T.archivo_vacio}`, 'error');
      return;
    }
    try {
      const resumen = await cliente.loadWeights(await elegido.arrayBuffer());
      avisar(T.cargados(elegido.name), 'ok');
      alCargar(resumen, elegido.name);
    } catch (error) {
      avisar(`${T.fallo_carga} ${mensajeDeError(error)}`, 'error');
    }
  });

  return {
    // Saving or loading while the worker trains would race the optimizer.
    habilitar(si) {
      guardar.disabled = !si;
      archivo.disabled = !si;
    },
    ponerNombre(nombre) { nombreModelo = `convaula-${nombre}`; },
    /** A notice about the network's weights ('ok', 'error', 'set-aside'), in this panel's line. */
    avisar,
  };
}
