// Section «Enséñale a la red» (after the Práctica): the student draws a small set of their own
// digits, or of a new script, measures the lesson's network on it, fine-tunes a copy of it (slot
// 'mi-letra') with augmentation and a replayed share of MNIST, and sees before → after on the
// held-out drawings and on MNIST's test set, what it learnt and what it forgot. The class's set
// (ensena-clase.js) goes through the same measure and fine-tuning, in slot 'clase'.

import { dibujo, leccion } from '../textos.js';
import { entero, enteroAgrupado, numero, porcentaje } from '../formato.js';
import { el, ponerEstado, cajaDeTabla } from './kit/dom.js';
import { crearPregunta } from './kit/pregunta.js';
import { crearUsarRed } from './kit/usar-red.js';
import { AJUSTE_CLASE, ARABIGOS, MODOS, POR_CIFRA, aFloats, dividir, empaquetar, medir, porCifraValido } from './ensena-datos.js';
import { crearColeccion } from './ensena-coleccion.js';
import { nodosMedida } from './ensena-medida.js';
import { crearVerPasos } from './ensena-que-ve.js';
import { fraseModelo } from '../ui/modelo-activo.js';
import { crearGuardadoEnsena } from './ensena-guardado.js';
import { escribirNpz, leerNpz } from './ensena-npz.js';
import { crearEnvioAula } from './ensena-aula.js';
import { crearPreguntaAula } from './pregunta-aula.js';
import { crearConjuntoClase } from './ensena-clase.js';

const T = leccion.ensena;
const SLOT = 'mi-letra';
const SLOT_CLASE = 'clase';
/** The replay share the slider starts at (README, «Enséñale a la red»: chosen by measurement). */
export const REPASO_DEFECTO = 30;
const SEMILLA = 1;
/**
 * MNIST's accuracy before → after is scored on the test set's first MNIST_PRUEBA images, the
 * same ones every time: the whole 10,000 took 2.7–4.7 s of a 4–7 s run (docs/ensena.md).
 */
export const MNIST_PRUEBA = 2000;
const MNIST_TOTAL = 10_000;
const opciones = (textos) => Object.entries(textos).map(([valor, texto]) => ({ valor, texto }));
// The zip code (fflate) comes the first time a student exports or imports a set, not with the
// page; offline before then, the section says it needs the network once.
const fflate = () => import('../../vendor/fflate/browser.js').catch(() => {
  throw Object.assign(new Error('fflate'), { code: 'npz', detalle: leccion.ensena.npz_sin_red });
});
const panel = (titulo, ...hijos) => el('div', { class: 'panel panel-leccion' }, el('h3', { text: titulo }), ...hijos);

export async function crear(seccion, { motor }) {
  const raiz = seccion.querySelector('.widgets');
  const guardado = crearGuardadoEnsena();
  const conjunto = { modo: 'propia', porCifra: POR_CIFRA.defecto, dibujos: [] };
  const ajustes = [];  // every fine-tuning run's figures, for the table and the questions

  // ---- the set: mode, size, storage, .npz --------------------------------------------
  const modos = el('fieldset', { class: 'ensena-modos' }, el('legend', { text: T.modo_titulo }),
    MODOS.map((m) => el('label', {}, el('input', { type: 'radio', name: 'ensena-modo', value: m, 'data-testid': `teach-mode-${m}` }), ` ${T.modos[m]}`)));
  const modoTexto = el('p', { 'data-testid': 'teach-mode-text' });
  const modelos = el('ol', { class: 'ensena-modelos', 'aria-label': T.modelos_alt, hidden: true },
    ARABIGOS.map((s, d) => el('li', {}, el('span', { class: 'ensena-simbolo', lang: 'ar', text: s }), el('span', { class: 'ayuda', text: T.modelo_de(d) }))));
  const porCifra = el('input', { type: 'number', id: 'ensena-por-cifra', min: POR_CIFRA.minimo, max: POR_CIFRA.maximo, value: POR_CIFRA.defecto, class: 'ensena-numero', 'data-testid': 'teach-per-digit-count' });
  const empezar = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'teach-start', text: T.empezar });
  const exportar = el('button', { type: 'button', 'data-testid': 'teach-export', text: T.exportar });
  const archivo = el('input', { type: 'file', accept: '.npz', class: 'archivo-oculto', id: 'ensena-importar', 'data-testid': 'teach-import-file' });
  const importar = el('label', { class: 'boton-archivo', for: 'ensena-importar', text: T.importar });
  const almacen = el('p', { class: 'estado', role: 'status', 'data-testid': 'teach-storage' });
  raiz.append(panel(T.conjunto_titulo, modos, modoTexto, modelos,
    el('p', {}, el('label', { for: 'ensena-por-cifra', text: `${T.por_cifra} ` }), porCifra, el('span', { class: 'ayuda', text: ` ${T.por_cifra_ayuda(POR_CIFRA.minimo, POR_CIFRA.maximo)}` })),
    el('div', { class: 'botones' }, empezar, exportar, archivo, importar), el('p', { class: 'ayuda', text: T.exportar_ayuda }), almacen,
    crearEnvioAula(() => conjunto.dibujos), crearPreguntaAula(motor)));

  // ---- collecting ---------------------------------------------------------------------
  const division = el('p', { 'data-testid': 'teach-split' });
  const zonaColeccion = el('div');
  raiz.append(panel(T.dibujar_titulo, zonaColeccion, division));
  const coleccion = crearColeccion(zonaColeccion, { motor, conjunto: () => conjunto, alCambiar: cambiado });

  // ---- measuring ----------------------------------------------------------------------
  const medirBoton = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'teach-measure', text: T.medir });
  const medidaEstado = el('p', { class: 'estado', role: 'status' });
  const pasosMedida = crearVerPasos(motor, 'teach-misread');
  const medida = el('div', { 'data-testid': 'teach-measurement' });
  const redMedida = el('p', { 'data-testid': 'teach-before-network' });
  raiz.append(panel(T.medida_titulo, el('div', { class: 'botones' }, medirBoton), medidaEstado, redMedida, medida));

  // ---- fine-tuning --------------------------------------------------------------------
  const preguntasAntes = el('div');
  const repaso = el('input', { type: 'range', id: 'ensena-repaso', min: 0, max: 90, step: 10, value: REPASO_DEFECTO, 'data-testid': 'teach-replay' });
  const repasoValor = el('output', { for: 'ensena-repaso' });
  const ajustar = el('button', { type: 'button', class: 'boton-principal', 'data-testid': 'teach-tune', text: T.ajustar });
  const ajusteEstado = el('p', { class: 'estado', role: 'status', 'data-testid': 'teach-tune-status' });
  const redAjuste = el('p', { 'data-testid': 'teach-tune-network', hidden: true });
  const historial = el('tbody', { 'data-testid': 'teach-runs' });
  const tablaHistorial = cajaDeTabla(T.historial_titulo, el('table', {}, el('caption', { text: T.historial_titulo }),
    el('thead', {}, el('tr', {}, T.historial_cols(enteroAgrupado(MNIST_PRUEBA)).map((c) => el('th', { scope: 'col', text: c })))), historial));
  const notaMnist = el('p', { class: 'ayuda', 'data-testid': 'teach-mnist-subset', text: T.mnist_parte(enteroAgrupado(MNIST_PRUEBA), enteroAgrupado(MNIST_TOTAL)) });
  tablaHistorial.hidden = true;
  const usarRed = crearUsarRed(motor, { slot: SLOT, prefijo: 'teach', origen: 'tu_red',
    textos: { usar: T.usar_red, deshacer: T.volver, hecho: () => T.usar_hecho, deshecho: T.volver_hecho } });
  const usarClase = crearUsarRed(motor, { slot: SLOT_CLASE, prefijo: 'teach-class-net', origen: 'red_clase',
    textos: { usar: T.clase.usar_red, deshacer: T.volver, hecho: () => T.clase.usar_hecho, deshecho: T.volver_hecho } });
  // The same buttons in the drawing panel, under its «Red activa» line, once there is a network of
  // the student's own or of the class's: one state, two places.
  document.querySelector('#dibujo-tu-red')?.append(usarRed.vista('draw-own', dibujo.tu_red), usarClase.vista('draw-class', dibujo.red_clase));
  const preguntasDespues = el('div');
  raiz.append(panel(T.ajuste_titulo, el('p', { text: T.ajuste_texto }), preguntasAntes,
    el('p', {}, el('label', { for: 'ensena-repaso', text: `${T.repaso} ` }), repaso, ' ', repasoValor),
    el('div', { class: 'botones' }, ajustar), ajusteEstado, redAjuste, tablaHistorial, notaMnist, usarRed.nodo, preguntasDespues));

  const medirAccion = motor.accion(medidaEstado, { botones: [medirBoton] });
  let estadoEnCurso = ajusteEstado;  // the status line of the run going on (own set or class's)
  const seguidor = motor.ejecuciones.para('ensena', {
    alProgreso: (p) => ponerEstado(estadoEnCurso, 'working', T.ajustando(entero(p.epoch), entero(p.epochs), porcentaje(p.fraction ?? 0, 0))),
  });

  // ---- behaviour ----------------------------------------------------------------------
  const mostrarRepaso = () => { repasoValor.textContent = T.repaso_valor(porcentaje(Number(repaso.value) / 100, 0)); };
  function mostrarModo() {
    for (const r of modos.querySelectorAll('input')) r.checked = r.value === conjunto.modo;
    modoTexto.textContent = T.modo_texto[conjunto.modo];
    modelos.hidden = conjunto.modo !== 'arabiga';
    porCifra.value = String(conjunto.porCifra);
  }
  function mostrarDivision() {
    const { aprender, aparte } = dividir(conjunto.dibujos);
    division.textContent = T.division(entero(aprender.length), entero(aparte.length));
    division.dataset.learn = String(aprender.length);
    division.dataset.heldOut = String(aparte.length);
  }
  async function guardar() {
    try {
      await guardado.guardar(conjunto);
      ponerEstado(almacen, 'saved', '');
    } catch (error) {
      ponerEstado(almacen, error.code, T.guardado_error[error.code]);
    }
  }
  function cambiado() {
    mostrarDivision();
    return guardar();
  }

  modos.addEventListener('change', (e) => {
    conjunto.modo = e.target.value;
    mostrarModo();
    coleccion.pintarRejilla();
    coleccion.refrescar();
    guardar();
  });
  porCifra.addEventListener('change', () => {
    conjunto.porCifra = porCifraValido(porCifra.value);
    porCifra.value = String(conjunto.porCifra);
    guardar();
  });
  repaso.addEventListener('input', mostrarRepaso);
  empezar.addEventListener('click', () => {
    conjunto.porCifra = porCifraValido(porCifra.value);
    coleccion.empezar();
  });

  // Which network «antes» is: the one in slot 'principal', the lesson's pretrained one unless the
  // page's network was changed (trained in class, loaded, the Práctica's «Usar esta red»).
  function decirAntes(nodo) {
    const { tipo, detalle } = motor.origenPrincipal() ?? { tipo: 'preentrenada' };
    nodo.textContent = tipo === 'preentrenada' ? T.antes_leccion : T.antes_otra(fraseModelo(tipo, detalle));
    nodo.dataset.model = tipo;
    nodo.hidden = false;
  }

  // The network's digit for each of `dibujos` at `indices`, one prediction each (a few dozen to a
  // few hundred).
  async function leer(cliente, slot, dibujos, indices) {
    const out = [];
    for (const i of indices) out.push((await cliente.predict({ pixels: aFloats(dibujos[i].pixeles) }, { model: slot })).digit);
    return out;
  }
  async function medirEn(cliente, slot, dibujos, indices) {
    const predichas = await leer(cliente, slot, dibujos, indices);
    return { ...medir(indices.map((i) => dibujos[i].cifra), predichas), predichas };
  }

  medirBoton.addEventListener('click', () => medirAccion(async (cliente) => {
    const { aparte } = dividir(conjunto.dibujos);
    if (!aparte.length) return ponerEstado(medidaEstado, 'empty', T.falta_aparte);
    decirAntes(redMedida);
    const predichas = await leer(cliente, 'principal', conjunto.dibujos, aparte);
    const m = medir(aparte.map((i) => conjunto.dibujos[i].cifra), predichas);
    medida.replaceChildren(...nodosMedida(m, aparte.map((i) => conjunto.dibujos[i]), predichas, conjunto.modo, pasosMedida));
    medida.dataset.accuracy = String(m.exactitud);
    return m;
  }));

  let mnistLeccion = null;  // {version, exactitud}: the lesson network's test accuracy, once measured
  async function mnistDePrincipal(cliente) {
    if (mnistLeccion?.version !== motor.versionPrincipal()) {
      ponerEstado(estadoEnCurso, 'working', T.midiendo_mnist(enteroAgrupado(MNIST_PRUEBA)));
      mnistLeccion = { version: motor.versionPrincipal(), exactitud: (await cliente.evaluate({ limit: MNIST_PRUEBA })).accuracy };
    }
    return mnistLeccion.exactitud;
  }

  /**
   * One fine-tuning run: a copy of 'principal' in `slot` learns from `dibujos` at
   * division.aprender and is measured before → after on division.aparte and MNIST. `fuente`
   * ('propia' or 'clase') names the set in the runs' table; `ajuste` adds fineTune's settings
   * (the engine's defaults otherwise); `usar` is that slot's «Usar…»; `estado`, `boton` and
   * `red` (the «antes» line) are the caller's. → {fila, despues (the held-out measure, with
   * predichas)}, or null when it did not run (said in `estado`).
   */
  async function ajustarCon({ fuente, slot, dibujos, division, ajuste = {}, usar, estado, boton, red = redAjuste }) {
    const { aprender, aparte } = division;
    const falta = !aprender.length || !aparte.length ? ['empty', T.faltan_para_ajustar]
      : usarRed.enUso() || usarClase.enUso() ? ['busy', T.volver_primero] : null;
    if (falta) {
      ponerEstado(estado, ...falta);
      return null;
    }
    const replay = Number(repaso.value) / 100;
    boton.disabled = true;
    usar.retirar();
    estadoEnCurso = estado;
    let hecho = null;
    try {
      await seguidor.ejecutar(async (entrenar) => {
        const cliente = motor.cliente;
        await motor.listo();
        decirAntes(red);
        const antes = await medirEn(cliente, 'principal', dibujos, aparte);
        const mnistAntes = await mnistDePrincipal(cliente);
        await cliente.copyModel('principal', slot);
        const { pixeles, etiquetas } = empaquetar(dibujos, aprender);
        const inicio = performance.now();
        const r = await entrenar(null, () => cliente.fineTune(pixeles, etiquetas, { ...ajuste, model: slot, replay, seed: SEMILLA, testLimit: MNIST_PRUEBA }));
        const segundos = (performance.now() - inicio) / 1000;
        const despues = await medirEn(cliente, slot, dibujos, aparte);
        const aprendidos = await medirEn(cliente, slot, dibujos, aprender);
        const fila = { fuente, replay, epocas: r.history.length, antes: antes.exactitud, despues: despues.exactitud,
          mnistAntes, mnistDespues: r.test.accuracy, aprendidos: aprendidos.exactitud, segundos };
        ajustes.push(fila);
        mostrarAjuste(fila);
        ponerEstado(estado, 'done', '');
        usar.ofrecer('');
        hecho = { fila, despues };
      });
    } catch (error) {
      ponerEstado(estado, error?.code === 'busy' ? 'busy' : 'error', motor.ejecuciones.mensaje(error));
    } finally {
      boton.disabled = false;
    }
    return hecho;
  }
  ajustar.addEventListener('click', () => ajustarCon({ fuente: 'propia', slot: SLOT, dibujos: conjunto.dibujos,
    division: dividir(conjunto.dibujos), usar: usarRed, estado: ajusteEstado, boton: ajustar }));
  raiz.append(crearConjuntoClase({ fflate, usar: usarClase, mnistPrueba: MNIST_PRUEBA,
    ajustar: (o) => ajustarCon({ ...o, fuente: 'clase', slot: SLOT_CLASE, ajuste: AJUSTE_CLASE, usar: usarClase }) }));

  function mostrarAjuste(f) {
    const p = (x) => porcentaje(x);
    historial.append(el('tr', { 'data-testid': 'teach-run', 'data-source': f.fuente, 'data-replay': String(f.replay), 'data-held-before': String(f.antes),
      'data-held-after': String(f.despues), 'data-mnist-before': String(f.mnistAntes), 'data-mnist-after': String(f.mnistDespues),
      'data-learnt': String(f.aprendidos), 'data-seconds': String(f.segundos) },
    el('td', { text: T.fuente[f.fuente] }), el('td', { text: porcentaje(f.replay, 0) }), el('td', { class: 'numero', text: entero(f.epocas) }),
    el('td', { text: T.resultado_fila(p(f.antes), p(f.despues)) }), el('td', { text: T.resultado_fila(p(f.mnistAntes), p(f.mnistDespues)) }),
    el('td', { class: 'numero', text: numero(f.segundos, 1) })));
    tablaHistorial.hidden = false;
  }

  // ---- .npz ---------------------------------------------------------------------------
  exportar.addEventListener('click', async () => {
    if (!conjunto.dibujos.length) return;
    const { pixeles, etiquetas } = empaquetar(conjunto.dibujos);
    let bytes;
    try {
      bytes = escribirNpz(pixeles, etiquetas, (await fflate()).zipSync);
    } catch (error) {
      return ponerEstado(almacen, 'export-error', T.exportar_error(error.detalle ?? String(error.message ?? error)));
    }
    const enlace = el('a', { href: URL.createObjectURL(new Blob([bytes], { type: 'application/zip' })), download: 'mi_letra.npz' });
    enlace.click();
    setTimeout(() => URL.revokeObjectURL(enlace.href), 10_000);
  });
  archivo.addEventListener('change', async () => {
    const elegido = archivo.files?.[0];
    archivo.value = '';
    if (!elegido) return;
    try {
      const { x, y } = leerNpz(new Uint8Array(await elegido.arrayBuffer()), (await fflate()).unzipSync);
      for (let i = 0; i < y.length; i++) conjunto.dibujos.push({ cifra: y[i], pixeles: x.slice(i * 784, (i + 1) * 784) });
      coleccion.pintarRejilla();
      ponerEstado(almacen, 'imported', T.importado(entero(y.length)));
      await cambiado();
      if (almacen.dataset.state === 'saved') ponerEstado(almacen, 'imported', T.importado(entero(y.length)));
    } catch (error) {
      ponerEstado(almacen, 'import-error', T.importar_error(error.code === 'npz' ? error.detalle : String(error.message ?? error)));
    }
  });

  // ---- questions ----------------------------------------------------------------------
  const Q = T.preguntas;
  // The id is written `id: '…'` at each call: the class server's catalog (server/aula/catalog.mjs)
  // reads the lesson's question ids from the code in that form.
  const pregunta = (sitio, { id }, q, correcta, respuesta) => crearPregunta(sitio, {
    id, motor, enunciado: q.enunciado, opciones: opciones(q.opciones), ayuda: q.ayuda,
    comprobar: async (elegida) => ({ correcta: elegida === correcta(), respuesta: respuesta() }),
  });
  pregunta(preguntasAntes, { id: 'question-finetune' }, Q.ajuste, () => 'leccion', () => Q.ajuste.respuesta);
  pregunta(preguntasAntes, { id: 'question-augment' }, Q.aumento, () => 'aumento', () => Q.aumento.respuesta);
  const sinRepaso = () => ajustes.findLast((f) => f.replay === 0);
  pregunta(preguntasDespues, { id: 'question-forgetting' }, Q.olvido, () => 'baja', () => {
    const f = sinRepaso();
    return Q.olvido.respuesta(f ? T.resultado_fila(porcentaje(f.mnistAntes), porcentaje(f.mnistDespues)) : '');
  });
  // Answered by the student's own last run when there is one: the learnt part against the held-out part.
  const ultimo = () => ajustes.at(-1);
  pregunta(preguntasDespues, { id: 'question-overfitting' }, Q.sobreajuste, () => {
    const f = ultimo();
    if (!f || f.aprendidos > f.despues) return 'aprendidos';
    return f.aprendidos === f.despues ? 'igual' : 'apartados';
  }, () => {
    const f = ultimo();
    return Q.sobreajuste.respuesta(f ? Q.sobreajuste.medido(porcentaje(f.aprendidos), porcentaje(f.despues)) : '');
  });

  // ---- a set kept from an earlier visit -------------------------------------------------
  mostrarModo();
  mostrarRepaso();
  mostrarDivision();
  try {
    const { conjunto: previo, danado } = await guardado.cargar();
    if (previo) {
      Object.assign(conjunto, previo);
      mostrarModo();
      ponerEstado(almacen, 'loaded', T.recuperados(entero(previo.dibujos.length)));
      empezar.textContent = T.seguir;
    } else if (danado) {
      ponerEstado(almacen, 'damaged', T.guardado_danado);
    }
  } catch (error) {
    ponerEstado(almacen, error.code, T.guardado_error[error.code]);
  }
  coleccion.pintarRejilla();
  mostrarDivision();
}
