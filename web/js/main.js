// Wires the page: fills in the Spanish text, starts the engine's worker, and connects the widgets.

import { cliente, preentrenada, primerArranque, arrancarMotor } from './arranque.js';
import { app, motor as T } from './textos.js';
import { porcentaje } from './formato.js';
import { aplicarTextos } from './ui/rotulos.js';
import { crearProyector } from './ui/proyector.js';
import { crearGlosario, enlazarGlosario } from './ui/glosario.js';
import { crearNavegacion } from './ui/navegacion.js';
import { crearEstadoMotor } from './ui/estado-motor.js';
import { crearEntrenamiento } from './ui/entrenamiento.js';
import { crearEjecuciones } from './ui/ejecucion.js';
import { crearDibujo } from './ui/dibujo.js';
import { crearPesos } from './ui/pesos.js';
import { crearModeloActivo } from './ui/modelo-activo.js';
import { crearRedConservada } from './ui/red-conservada.js';
import { crearSinConexion } from './ui/sin-conexion.js';
import { crearContexto } from './ui/contexto.js';
import { crearActualizacion } from './ui/actualizacion.js';
import { crearAvisosGuardado } from './ui/avisos-guardado.js';
import { crearCompartir } from './ui/compartir.js';
import { cargarDatosAlEntrenar } from './ui/datos-perezosos.js';
import { crearMotor } from './leccion/kit/motor.js';
import { cargarSecciones, volverAlLugar } from './leccion/kit/secciones.js';
import { cuandoLibre } from './leccion/kit/reposo.js';
import { crearAulaAlumno } from './aula/alumno.js';

aplicarTextos(document);
const avisarApartado = crearAvisosGuardado(document.querySelector('#aviso-guardado'));
crearGlosario(document.querySelector('#glosario'));
enlazarGlosario(document.querySelector('main'));
crearProyector(document.querySelector('#boton-proyector'), document.querySelector('#boton-respuestas'),
  { alApartar: () => avisarApartado(app.proyector_apartado) });
const secciones = [...document.querySelectorAll('main section[data-section]')];
crearNavegacion(document.querySelector('.navegacion'), secciones);
volverAlLugar(secciones, { alApartar: () => avisarApartado(app.lugar_apartado) });

// Chromium renders an SVG tab icon as a document of its own on this thread: a 20-70 ms task that
// fell in the middle of a digit drawn right after load. It comes once the page is quiet.
cuandoLibre().then(() => {
  const icono = document.querySelector('link[rel="icon"]');
  icono.href = icono.dataset.href;
});
crearContexto(document.querySelector('#contexto-nota'));
crearCompartir(document.querySelector('#boton-compartir'));
crearAulaAlumno(document.querySelector('.cabecera'));
const modeloActivo = crearModeloActivo(document.querySelector('#modelo-activo'));
modeloActivo.mostrar('cargando');

// The engine's worker and the pretrained network were started by arranque.js, ahead of this.
const estadoMotor = crearEstadoMotor(document.querySelector('#estado-motor'));
const dibujo = crearDibujo(document.querySelector('.panel-dibujo'), cliente);
const pesos = crearPesos(document.querySelector('.panel-pesos'), cliente, {
  alCargar: (resumen, archivo) => {
    entrenamiento.modeloCargado(resumen);
    modeloActivo.mostrar('archivo', archivo);
    conservar();
  },
});
const redConservada = crearRedConservada(cliente, { avisar: pesos.avisar });
// The page's network is kept in this browser while it is one trained in class or loaded from a
// file (red-conservada.js); back to the pretrained one, there is nothing to keep.
async function conservar() {
  const { tipo, detalle = null } = modeloActivo.actual();
  if (tipo === 'clase' || tipo === 'archivo') modeloActivo.conservada(await redConservada.guardar(tipo, detalle));
  else if (tipo === 'preentrenada') {
    modeloActivo.conservada(false);
    await redConservada.olvidar();
  }
}
// The training runs of the panel, the Práctica and the notebook: one at a time.
const ejecuciones = crearEjecuciones(cliente);
let versionPrincipal = 0;  // changes of the page's network (slot 'principal')
const entrenamiento = crearEntrenamiento(document.querySelector('.panel-entrenamiento'), cliente, {
  ejecuciones,
  alCambiarModelo: (nombre, origen) => {
    versionPrincipal++;
    pesos.ponerNombre(nombre);
    dibujo.modeloCambiado();
    if (origen === 'recuperada') modeloActivo.recuperarAnterior();
    else if (origen) modeloActivo.mostrar(origen);
    if (origen === 'clase' || origen === 'recuperada') conservar();
  },
});
// The lesson's sections reach the engine, the training panel and the runs through this.
const motor = crearMotor({ cliente, entrenamiento, ejecuciones, version: () => versionPrincipal, origen: () => modeloActivo.actual() });
// Saving or loading weights would race the training panel's run on the same network.
entrenamiento.alCambiarEstado(() => pesos.habilitar(['idle', 'done', 'error', 'busy'].includes(entrenamiento.estado())));

cliente.on('dataProgress', (p) => estadoMotor.progresoDatos(p));
// A test-set sample at open, the rest when needed (ui/datos-perezosos.js).
const abrirDatos = cargarDatosAlEntrenar(cliente, document.querySelector('#datos-texto'), (datos, usados) => {
  if (datos.train) estadoMotor.datosListos(datos);
  actualizacion.guardarUsados(usados);
});
// The client has already started a fresh worker, or will after `retryIn` ms (workers that
// failed to load): say what happened and set it up again. Its init goes first, before any
// other widget's request can reach the new worker.
cliente.on('crash', async ({ retryIn }) => {
  const otraVez = arrancarMotor();
  modeloActivo.mostrar('reiniciando');  // the new worker has no network until it is loaded again
  if (retryIn > 0) estadoMotor.esperarReintento(retryIn, () => cliente.retryNow());
  else estadoMotor.fallo(null, (await preentrenada) ? T.reiniciado : T.fallo_motor);
  const conservada = await arrancar(otraVez);
  if (retryIn === 0 && conservada) estadoMotor.fallo(null, T.reiniciado_conservada);
});

// Drawing works with the pretrained network as soon as it is in the worker, before MNIST
// arrives; without it (or if it fails to load) a fresh model of the preset is built instead.
// A network kept in this browser (red-conservada.js) then replaces it: resolves with true if so.
async function arrancar({ engine, presets, red }) {
  dibujo.modeloEnCamino();
  try {
    estadoMotor.mostrarMotor(await engine);
    const resumen = await red.catch(() => null);
    const conservada = await redConservada.recuperar();
    // The drawing is answered by the worker directly (modeloEnCamino): the training panel's
    // form waits until nobody is drawing, so that a first stroke is not slowed down by it.
    if (resumen || conservada) await cuandoLibre();
    await entrenamiento.prepararModelos(await presets, (await preentrenada)?.preset, conservada?.resumen ?? resumen);
    if (conservada) {
      entrenamiento.modeloCargado(conservada.resumen);
      modeloActivo.mostrar(conservada.origen, conservada.archivo ?? undefined);
      modeloActivo.conservada(true);
    } else if (resumen) {
      entrenamiento.modeloCargado(resumen);
      modeloActivo.mostrar('preentrenada', porcentaje((await preentrenada).testAccuracy, 2));
    } else {
      modeloActivo.mostrar('sin_preentrenada');
    }
    iniciarSecciones();
    const datos = await abrirDatos();
    entrenamiento.datosListos(datos);
    motor.datosListos(datos);
    return Boolean(conservada);
  } catch (error) {
    estadoMotor.fallo(error);
    entrenamiento.fallo(error);
    iniciarSecciones();
    return false;
  }
}

// Each lesson section is imported and built when it comes near the screen (README, Layout),
// once the drawing can answer: their modules (KaTeX among them) stay off that critical path.
let seccionesIniciadas = false;
function iniciarSecciones() {
  if (seccionesIniciadas) return;
  seccionesIniciadas = true;
  cargarSecciones({
    imagenes: () => import('./leccion/imagenes.js'),
    convolucion: () => import('./leccion/convolucion.js'),
    'capas-convolutivas': () => import('./leccion/capas.js'),
    mnist: () => import('./leccion/mnist.js'),
    maxpooling: () => import('./leccion/maxpooling.js'),
    dropout: () => import('./leccion/dropout.js'),
    relu: () => import('./leccion/relu.js'),
    entrenar: () => import('./leccion/entrenar.js'),
    aprendido: () => import('./leccion/aprendido.js'),
    practica: () => import('./leccion/practica.js'),
    ensena: () => import('./leccion/ensena.js'),
  }, { motor, dibujo, entrenamiento });
}

// The service worker is registered once the first visit's files are in: its install then
// takes them from the HTTP cache instead of downloading them a second time. It must keep,
// besides its light set, this browser's engine. A page the service worker already controls
// is a later visit: it already works offline.
const arranque = arrancar(primerArranque);
// Paths under the site's root: what the page itself fetched (modules, KaTeX's fonts), the
// worker's engine and the test-set sample.
const usados = () => {
  const raiz = new URL('../', import.meta.url).href;
  const propios = performance.getEntriesByType('resource').map((e) => e.name.split(/[?#]/)[0])
    .filter((u) => u.startsWith(raiz)).map((u) => u.slice(raiz.length)).filter(Boolean);
  const variante = document.querySelector('#motor-variante').dataset.variant;
  return [...propios, 'data/test-sample-', ...(variante ? [`wasm/convaula-${variante}.`] : [])];
};
const guardada = arranque.then(() => actualizacion.guardarUsados(usados()));
// Its install downloads the light set: not while the first drawing is being answered.
crearSinConexion(document.querySelector('#sin-conexion'),
  navigator.serviceWorker?.controller ? Promise.resolve() : guardada, arranque.then(cuandoLibre));
const actualizacion = crearActualizacion(document.querySelector('#actualizacion'));
