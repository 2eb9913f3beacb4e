// «Enséñale a la red» with the class's set: the drawings the class sent to the teacher's panel,
// downloaded by a joined student (GET /api/aula/dibujos.npz) or imported from the .npz the
// teacher downloaded, split with a held-out part (ensena-datos.js's dividirClase), and
// fine-tuned in slot 'clase' by the section's own run (ensena.js), measured before → after on the
// held-out class drawings and on MNIST. The set and the network live in this tab only.

import { aula, leccion } from '../textos.js';
import { entero, enteroAgrupado, porcentaje } from '../formato.js';
import { el, ponerEstado } from './kit/dom.js';
import { credencialAula, enAula, tokenRechazado } from '../aula/alumno.js';
import { pedir, textoError } from '../aula/peticion.js';
import { APARTE_CLASE, dividirClase } from './ensena-datos.js';
import { leerNpz } from './ensena-npz.js';
import { nodosMedida } from './ensena-medida.js';

const T = leccion.ensena.clase;
const enBytes = (x, y) => Array.from(y, (cifra, i) => ({ cifra, pixeles: x.slice(i * 784, (i + 1) * 784) }));

/**
 * The class set's panel. `fflate()` resolves the zip library; `usar` is slot 'clase''s «Usar…»
 * (kit/usar-red.js); `ajustar({dibujos, division, estado, boton, red})` runs ensena.js's
 * fine-tuning and resolves {fila, despues} or null; MNIST's figures are of the test set's first
 * `mnistPrueba` images.
 */
export function crearConjuntoClase({ fflate, usar, ajustar, mnistPrueba }) {
  let dibujos = [];
  const cargar = el('button', { type: 'button', 'data-testid': 'teach-class-set-load', text: T.cargar, hidden: !enAula() });
  const archivo = el('input', { type: 'file', accept: '.npz', class: 'archivo-oculto', id: 'ensena-clase-importar', 'data-testid': 'teach-class-set-file' });
  const importar = el('label', { class: 'boton-archivo', for: 'ensena-clase-importar', text: T.importar });
  const estado = el('p', { class: 'estado', role: 'status', 'data-testid': 'teach-class-set-status' });
  const division = el('p', { 'data-testid': 'teach-class-set-split', hidden: true });
  const ajustarBoton = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'teach-class-tune', text: T.ajustar, disabled: true });
  const ajusteEstado = el('p', { class: 'estado', role: 'status', 'data-testid': 'teach-class-tune-status' });
  const red = el('p', { 'data-testid': 'teach-class-tune-network', hidden: true });
  const resultado = el('div', { 'data-testid': 'teach-class-result', hidden: true });

  function poner(x, y, como) {
    dibujos = enBytes(x, y);
    const d = dividirClase(dibujos);
    const cuentas = Array.from({ length: 10 }, (_, c) => entero(dibujos.filter((b) => b.cifra === c).length));
    division.textContent = T.division(porcentaje(APARTE_CLASE, 0), entero(d.aprender.length), entero(d.aparte.length), cuentas);
    Object.assign(division.dataset, { learn: String(d.aprender.length), heldOut: String(d.aparte.length) });
    division.hidden = false;
    estado.dataset.count = String(dibujos.length);
    ponerEstado(estado, como, T[como](entero(dibujos.length)));
    ajustarBoton.disabled = false;
    resultado.hidden = true;
  }
  const leer = async (bytes) => leerNpz(bytes, (await fflate()).unzipSync);
  function fallo(error) {
    if (error?.code === 'npz') return ponerEstado(estado, error.vacio ? 'empty' : 'error', error.vacio ? T.vacio : T.importar_error(error.detalle));
    if (error?.code === 'token_invalido') tokenRechazado(error);
    ponerEstado(estado, 'error', textoError(aula.errores, error?.code));
  }

  cargar.addEventListener('click', async () => {
    const credencial = credencialAula();
    if (!credencial) return ponerEstado(estado, 'not-joined', T.sin_unirse);
    cargar.disabled = true;
    ponerEstado(estado, 'loading', T.cargando);
    try {
      const { x, y } = await leer(await pedir('dibujos.npz', { cabeceras: credencial, bytes: true }));
      poner(x, y, 'cargado');
    } catch (error) {
      fallo(error);
    } finally {
      cargar.disabled = false;
    }
  });
  archivo.addEventListener('change', async () => {
    const elegido = archivo.files?.[0];
    archivo.value = '';
    if (!elegido) return;
    try {
      const { x, y } = await leer(new Uint8Array(await elegido.arrayBuffer()));
      poner(x, y, 'importado');
    } catch (error) {
      fallo(error);
    }
  });
  ajustarBoton.addEventListener('click', async () => {
    const d = dividirClase(dibujos);
    const r = await ajustar({ dibujos, division: d, estado: ajusteEstado, boton: ajustarBoton, red });
    if (!r) return;
    const { fila, despues } = r;
    resultado.replaceChildren(
      el('p', { 'data-testid': 'teach-class-before-after', text: T.resultado(porcentaje(fila.antes), porcentaje(fila.despues), porcentaje(fila.mnistAntes), porcentaje(fila.mnistDespues), enteroAgrupado(mnistPrueba)) }),
      el('h4', { text: T.medida_titulo }),
      ...nodosMedida(despues, d.aparte.map((i) => dibujos[i]), despues.predichas, 'propia'));
    resultado.hidden = false;
  });

  return el('div', { class: 'panel panel-leccion', 'data-testid': 'teach-class-set' }, el('h3', { text: T.titulo }),
    el('p', { text: T.texto }), el('div', { class: 'botones' }, cargar, archivo, importar), estado, division,
    el('div', { class: 'botones' }, ajustarBoton), ajusteEstado, red, resultado, usar.nodo, el('p', { class: 'ayuda', text: T.solo_pestana }));
}
