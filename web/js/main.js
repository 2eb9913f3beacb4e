// Wires the page: fills in the Spanish text, starts the engine's worker, and connects the widgets.

import { ConvAulaClient } from './client.js';
import { motor as T } from './textos.js';
import { aplicarTextos } from './ui/rotulos.js';
import { crearProyector } from './ui/proyector.js';
import { crearNavegacion } from './ui/navegacion.js';
import { crearEstadoMotor } from './ui/estado-motor.js';
import { crearEntrenamiento } from './ui/entrenamiento.js';
import { crearDibujo } from './ui/dibujo.js';
import { crearPesos } from './ui/pesos.js';
import { iniciarLeccionB } from './leccion/comun-b-inicio.js';
import { crearLeccionA } from './leccion/comun-a-leccion.js';

aplicarTextos(document);
crearProyector(document.querySelector('#boton-proyector'));
crearNavegacion(document.querySelector('.navegacion'), document.querySelectorAll('main section[data-section]'));

const cliente = new ConvAulaClient(new URL('../worker.js', import.meta.url).href);
const estadoMotor = crearEstadoMotor(document.querySelector('#estado-motor'));
const dibujo = crearDibujo(document.querySelector('.panel-dibujo'), cliente);
const pesos = crearPesos(document.querySelector('.panel-pesos'), cliente, {
  alCargar: (resumen) => entrenamiento.modeloCargado(resumen),
});
const entrenamiento = crearEntrenamiento(document.querySelector('.panel-entrenamiento'), cliente, {
  alCambiarModelo: (nombre) => {
    pesos.ponerNombre(nombre);
    dibujo.modeloCambiado();
  },
  alCambiarEstado: (estado) => pesos.habilitar(estado === 'idle' || estado === 'done' || estado === 'error'),
});

cliente.on('dataProgress', (p) => estadoMotor.progresoDatos(p));
// The client has already started a fresh worker: say what happened and set it up again.
cliente.on('crash', () => {
  estadoMotor.fallo(null, T.fallo_motor);
  arrancar();
});

// The model is built before the data arrives, so drawing works while MNIST downloads.
async function arrancar() {
  try {
    estadoMotor.mostrarMotor(await cliente.init());
    await entrenamiento.prepararModelos(await cliente.presets());
    const datos = await cliente.loadData({});
    estadoMotor.datosListos(datos);
    entrenamiento.datosListos(datos);
    leccionA.datosListos(datos);
  } catch (error) {
    estadoMotor.fallo(error);
    entrenamiento.fallo(error);
  }
}

arrancar();
iniciarLeccionB({ cliente, entrenamiento, dibujo });
const leccionA = crearLeccionA(cliente);
