// What the training panel shows of a run: the loss and accuracy charts, the progress bar with
// speed and time left, the per-epoch log and the final test result. The numbers also go to
// data-* of the status line, which tests read.

import { entrenamiento as T } from '../textos.js';
import { entero, decimal, porcentaje, duracion } from '../formato.js';
import { crearGrafica, crearLeyenda } from './grafica.js';
import { el } from '../leccion/kit/dom.js';
import { crearAnuncio } from '../leccion/kit/anuncio.js';

const SERIES = [
  { nombre: T.serie_lote, color: '--color-lote', tipo: 'linea' },
  { nombre: T.serie_epoca, color: '--color-epoca', tipo: 'puntos' },
  { nombre: T.serie_validacion, color: '--color-validacion', tipo: 'huecos' },
];
const [LOTE, EPOCA, VALIDACION] = [0, 1, 2];
const DATOS_RUN = ['error', 'testAccuracy', 'testLoss', 'loss', 'accuracy', 'firstLoss', 'firstAccuracy', 'epoch', 'batch', 'batches'];

export function crearSeguimiento(raiz, estadoEl) {
  const $ = (selector) => raiz.querySelector(selector);
  const barra = $('#train-progress');
  const detalle = $('#train-detalle');
  const resultado = $('#resultado-test');
  const registro = $('#registro-epocas');
  const perdida = crearGrafica($('#grafica-perdida'), { etiquetaX: T.eje_epoca, etiquetaY: T.grafica_perdida, series: SERIES });
  const precision = crearGrafica($('#grafica-precision'), {
    etiquetaX: T.eje_epoca, etiquetaY: T.grafica_precision, series: SERIES, yMax: 1, formatoY: (v) => porcentaje(v, 0),
  });
  crearLeyenda($('#leyenda'), SERIES);
  const sinDatos = () => {
    $('#grafica-perdida').setAttribute('aria-label', T.grafica_vacia(T.grafica_perdida_alt));
    $('#grafica-precision').setAttribute('aria-label', T.grafica_vacia(T.grafica_precision_alt));
  };
  sinDatos();
  const anunciar = crearAnuncio($('#train-anuncio'));  // screen readers: progress every few seconds
  let epocasTotales = 1;
  let ultimoProgreso = [];  // the last progress line without its time left

  return {
    empezar(epocas) {
      epocasTotales = epocas;
      perdida.borrar(epocas);
      precision.borrar(epocas);
      registro.replaceChildren();
      resultado.hidden = true;
      barra.value = 0;
      detalle.textContent = '';
      ultimoProgreso = [];
      sinDatos();
      for (const clave of DATOS_RUN) delete estadoEl.dataset[clave];
    },
    /** The run has ended: the progress line stays, without "quedan …". */
    terminar() {
      detalle.textContent = ultimoProgreso.join(' · ');
      anunciar(detalle.textContent, { ya: true });
    },

    progreso(p) {
      const x = p.epoch - 1 + p.batch / p.batches;
      perdida.anadir(LOTE, x, p.loss);
      precision.anadir(LOTE, x, p.accuracy);
      barra.value = p.fraction;
      ultimoProgreso = [
        T.progreso({ epoch: entero(p.epoch), epochs: entero(p.epochs), batch: entero(p.batch), batches: entero(p.batches) }),
        T.velocidad(entero(p.imagesPerSecond)),
      ];
      detalle.textContent = [...ultimoProgreso, p.etaSeconds === null ? '' : T.restante(duracion(p.etaSeconds))]
        .filter(Boolean).join(' · ');
      anunciar(T.anuncio_progreso(ultimoProgreso[0], porcentaje(p.accuracy, 0)));
      const d = estadoEl.dataset;
      d.epoch = String(p.epoch);
      d.batch = String(p.batch);
      d.firstLoss ??= String(p.loss);
      d.firstAccuracy ??= String(p.accuracy);
      d.loss = String(p.loss);
      d.accuracy = String(p.accuracy);
      d.batches = String(Number(d.batches ?? 0) + 1);
    },

    epoca(e) {
      // Keras's running mean restarts with each epoch, so its line does too.
      perdida.cortar(LOTE);
      precision.cortar(LOTE);
      perdida.anadir(EPOCA, e.epoch, e.loss);
      perdida.anadir(VALIDACION, e.epoch, e.val_loss);
      precision.anadir(EPOCA, e.epoch, e.accuracy);
      precision.anadir(VALIDACION, e.epoch, e.val_accuracy);
      // The charts' text alternatives carry the last epoch's numbers.
      const epoca = entero(e.epoch);
      $('#grafica-perdida').setAttribute('aria-label', T.grafica_con_epoca(T.grafica_perdida_alt, epoca, decimal(e.loss), decimal(e.val_loss)));
      $('#grafica-precision').setAttribute('aria-label',
        T.grafica_con_epoca(T.grafica_precision_alt, epoca, porcentaje(e.accuracy, 1), porcentaje(e.val_accuracy, 1)));
      registro.append(el('li', { text: T.linea_epoca({
        epoch: entero(e.epoch), epochs: entero(epocasTotales), segundos: duracion(e.seconds),
        loss: decimal(e.loss), accuracy: decimal(e.accuracy), val_loss: decimal(e.val_loss), val_accuracy: decimal(e.val_accuracy),
      }) }));
    },

    test({ loss, accuracy }) {
      $('#test-loss').textContent = decimal(loss, 4);
      $('#test-accuracy').textContent = `${decimal(accuracy, 4)} (${porcentaje(accuracy, 2)})`;
      resultado.hidden = false;
      estadoEl.dataset.testAccuracy = accuracy.toFixed(4);
      estadoEl.dataset.testLoss = loss.toFixed(4);
    },
  };
}
