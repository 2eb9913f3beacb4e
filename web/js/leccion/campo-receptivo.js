// "Capas convolutivas", the 5 × 5 receptive field derived: the notebook's one-dimensional
// picture (one row of the image, of the first layer and of the second), where the student picks
// a second-layer neuron and steps through its 3 first-layer neurons to the 5 pixels they see.
// Every window comes from the engine (explain 'receptive' and 'receptiveWindow').

import { leccion } from '../textos.js';
import { entero } from '../formato.js';
import { prepararLienzo } from './kit/lienzo.js';

const T = leccion.capas;
const PASOS = 3;
const FILA = 2;  // any row of the second layer: the picture follows columns only
const COLORES = ['#d6336c', '#2b8a3e', '#e8590c'];  // one per first-layer neuron and its lines
const AZUL = '#2457d6';

/**
 * @param {object} specs  spec: the 10 × 15 input with two 3 × 3 layers; sobreTensor(alto, ancho):
 *   the second layer alone on an input of the first one's output size
 */
export async function crearCampoReceptivo(raiz, motor, specs) {
  const pedir = motor.accion(raiz.querySelector(':scope > .error'), { calculando: false });
  const lienzo = raiz.querySelector('canvas');
  const rango = raiz.querySelector('[data-parte="neurona"]');
  const pasos = [...raiz.querySelectorAll('[data-parte="pasos"] li')];
  const estadoPaso = raiz.querySelector('[data-parte="paso"]');
  const cuenta = raiz.querySelector('[data-parte="cuenta"]');
  const botones = { anterior: raiz.querySelector('[data-parte="anterior"]'), siguiente: raiz.querySelector('[data-parte="siguiente"]') };

  const base = await pedir(async (cliente) => ({
    capas: await cliente.explain('params', { spec: specs.spec }),
    campos: await cliente.explain('receptive', { spec: specs.spec }),
  }));
  if (!base) return;
  const anchos = [specs.spec.input[1], base.capas[0].output[1], base.capas[1].output[1]];
  const k = specs.spec.layers[1].kernel;
  const [r1, r2] = [base.campos[0].size, base.campos[1].size];
  cuenta.textContent = `${T.campo_cuenta(entero(r1), entero(k), entero(base.campos[0].jump), entero(r2))} ${T.campo_cierre(entero(r2))}`;
  rango.max = anchos[2] - 1;
  const sobreTensor = specs.sobreTensor(...base.capas[0].output.slice(0, 2));
  let paso = 1, vista = null, turno = 0;

  // The engine's windows of neuron j: its first-layer neurons, and the pixels each of them sees.
  async function ventanas(j) {
    const mio = ++turno;
    const r = await pedir(async (cliente) => {
      const primera = await cliente.explain('receptiveWindow', { spec: sobreTensor, layer: 0, row: FILA, col: j });
      const porNeurona = [];
      for (let m = primera.x0; m <= primera.x1; m++) {
        porNeurona.push(await cliente.explain('receptiveWindow', { spec: specs.spec, layer: 0, row: FILA, col: m }));
      }
      const pixeles = await cliente.explain('receptiveWindow', { spec: specs.spec, layer: 1, row: FILA, col: j });
      return { j, primera, porNeurona, pixeles };
    });
    if (!r || mio !== turno) return;
    vista = r;
    mostrar();
  }

  function mostrar() {
    if (!vista) return;
    const { j, primera, pixeles } = vista;
    const textos = [T.campo_pasos[0](j), T.campo_pasos[1](j, primera.x0, primera.x1, entero(k)),
      T.campo_pasos[2](pixeles.x0, pixeles.x1, entero(k))];
    pasos.forEach((li, i) => {
      li.textContent = textos[i];
      li.hidden = i >= paso;
      li.classList.toggle('actual', i === paso - 1);
    });
    cuenta.hidden = paso < PASOS;
    estadoPaso.textContent = T.campo_paso(paso, PASOS);
    botones.anterior.disabled = paso === 1;
    botones.siguiente.disabled = paso === PASOS;
    Object.assign(lienzo.dataset, { neurona: j, paso, primera: `${primera.x0}-${primera.x1}`, pixeles: `${pixeles.x0}-${pixeles.x1}` });
    lienzo.setAttribute('aria-label', T.campo_alt(j, textos.slice(0, paso).join(' ')));
    pintar();
  }

  function pintar() {
    if (!vista || !lienzo.clientWidth) return;
    const total = anchos[0];
    const lado = ladoCelda(lienzo, total);
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const rotulo = Math.round(rem * 1.25), separacion = lado * 1.6;
    lienzo.dataset.lado = String(lado);
    lienzo.dataset.rotulo = String(rotulo);
    const alto = 3 * (rotulo + lado) + 2 * separacion + 4;
    const { ctx, ancho } = prepararLienzo(lienzo, { alto, fijarAlto: true });
    const x0 = (ancho - lado * total) / 2;
    // Rows top to bottom: second layer, first layer, image; each row centred under the first.
    const filas = [2, 1, 0].map((capa, i) => ({ capa, y: i * (rotulo + lado + separacion) + rotulo, n: anchos[capa] }));
    const centro = (fila, i) => ({ x: x0 + (i + (total - fila.n) / 2 + 0.5) * lado, y: fila.y + lado / 2 });
    const [segunda, primera, imagen] = filas;
    const { j, primera: vp, porNeurona, pixeles } = vista;

    ctx.lineWidth = 2;
    if (paso >= 2) {
      for (let m = vp.x0; m <= vp.x1; m++) linea(ctx, centro(segunda, j), centro(primera, m), AZUL, lado);
    }
    if (paso >= 3) {
      porNeurona.forEach((w, i) => {
        for (let p = w.x0; p <= w.x1; p++) linea(ctx, centro(primera, vp.x0 + i), centro(imagen, p), COLORES[i % COLORES.length], lado);
      });
    }
    const rotuloFuente = `600 ${Math.round(rem * 0.85)}px system-ui, sans-serif`;
    ctx.font = rotuloFuente;
    ctx.textBaseline = 'middle';
    const nombres = { 2: T.campo_filas.segunda, 1: T.campo_filas.primera, 0: T.campo_filas.entrada };
    for (const fila of filas) {
      // On a white band, so the connections passing behind never cross the words.
      const nombre = nombres[fila.capa](entero(fila.n));
      ctx.fillStyle = 'rgba(255, 255, 255, 0.92)';
      ctx.fillRect(x0 - 2, fila.y - rotulo + 1, ctx.measureText(nombre).width + 4, rotulo - 3);
      ctx.fillStyle = '#1b1f2a';
      ctx.textAlign = 'left';
      ctx.fillText(nombre, x0, fila.y - rotulo / 2);
      for (let i = 0; i < fila.n; i++) {
        const { x, y } = centro(fila, i);
        const color = colorDe(fila.capa, i);
        ctx.fillStyle = color ?? '#f1f3f8';
        ctx.strokeStyle = color ? '#1b1f2a' : '#9aa3b5';
        ctx.lineWidth = color ? 2 : 1;
        ctx.beginPath();
        if (fila.capa === 0) ctx.rect(x - lado * 0.42, y - lado * 0.42, lado * 0.84, lado * 0.84);
        else ctx.arc(x, y, lado * 0.4, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
        if (lado >= 20) {
          ctx.fillStyle = color && fila.capa !== 0 ? '#fff' : '#1b1f2a';
          ctx.textAlign = 'center';
          ctx.font = `${Math.round(Math.min(rem * 0.85, lado * 0.38))}px system-ui, sans-serif`;
          ctx.fillText(String(i), x, y + 1);
          ctx.font = rotuloFuente;
        }
      }
    }

    function colorDe(capa, i) {
      if (capa === 2) return i === j ? AZUL : null;
      if (capa === 1) return paso >= 2 && i >= vp.x0 && i <= vp.x1 ? COLORES[(i - vp.x0) % COLORES.length] : null;
      return paso >= 3 && i >= pixeles.x0 && i <= pixeles.x1 ? '#ffd166' : null;
    }
  }

  function irA(j) {
    const n = Math.min(anchos[2] - 1, Math.max(0, j));
    rango.value = n;
    ventanas(n);
  }
  rango.addEventListener('input', () => irA(Number(rango.value)));
  botones.anterior.addEventListener('click', () => { paso = Math.max(1, paso - 1); mostrar(); });
  botones.siguiente.addEventListener('click', () => { paso = Math.min(PASOS, paso + 1); mostrar(); });
  // A tap on the top row picks that neuron.
  lienzo.addEventListener('pointerdown', (e) => {
    const caja = lienzo.getBoundingClientRect();
    const lado = Number(lienzo.dataset.lado), rotulo = Number(lienzo.dataset.rotulo);
    const x0 = (caja.width - lado * anchos[0]) / 2 + ((anchos[0] - anchos[2]) / 2) * lado;
    const i = Math.floor((e.clientX - caja.left - x0) / lado);
    if (e.clientY - caja.top < rotulo + lado * 1.2 && i >= 0 && i < anchos[2]) irA(i);
  });
  new ResizeObserver(() => pintar()).observe(lienzo);
  irA(Math.floor(anchos[2] / 2));
}

// Cells grow with the type (projector mode) up to the width available for `n` of them.
function ladoCelda(lienzo, n) {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  return Math.min(rem * 2.75, (lienzo.clientWidth - 8) / n);
}

// A connection, drawn between the two shapes' edges rather than their centres.
function linea(ctx, a, b, color, lado) {
  const dy = lado * 0.42;
  ctx.strokeStyle = color;
  ctx.beginPath();
  ctx.moveTo(a.x, a.y + dy);
  ctx.lineTo(b.x, b.y - dy);
  ctx.stroke();
}
