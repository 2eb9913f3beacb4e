// Canvas helpers of every widget: a backing store at the screen's pixel density, planes of
// numbers painted through a colour scale, and the colour scales themselves.

/**
 * Sizes the canvas's backing store to its CSS box × devicePixelRatio, so lines and text stay
 * crisp on HiDPI screens; `alto` (CSS px) overrides the box's height and, with fijarAlto, is
 * written to the CSS too (canvases whose height follows their content).
 * Returns {ctx, ancho, alto} in CSS pixels, the context cleared and scaled; ancho 0 = not laid out.
 */
export function prepararLienzo(canvas, { alto, fijarAlto = false } = {}) {
  const dpr = window.devicePixelRatio || 1;
  const ancho = canvas.clientWidth;
  const h = alto ?? canvas.clientHeight;
  if (fijarAlto) canvas.style.height = `${h}px`;
  dimensionar(canvas, Math.round(ancho * dpr), Math.round(h * dpr));
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, ancho, h);
  return { ctx, ancho, alto: h };
}

/**
 * Paints an (h, w) plane of `datos` starting at `desde` into a canvas of w × h pixels, one per
 * value (CSS scales it up, pixelated). escala(v) → [r, g, b].
 */
export function pintarPlano(canvas, datos, desde, h, w, escala) {
  return pintarMosaico(canvas, datos, 1, h, w, escala, 1, desde);
}

/**
 * Paints `c` planes of h × w (channel-major in `datos`, from `desde`) side by side into one
 * canvas, `columnas` to a row with a transparent pixel between them, all through one colour
 * scale. One canvas and one putImageData instead of one canvas per map: "Qué ha aprendido"
 * shows 160 maps, and their getContext calls, compositor layers and commits made a long task
 * wherever the section woke.
 */
export function pintarMosaico(canvas, datos, c, h, w, escala, columnas, desde = 0) {
  const filas = Math.ceil(c / columnas);
  const { ctx, imagen } = lienzoDePixeles(canvas, columnas * (w + 1) - 1, filas * (h + 1) - 1, `${c},${columnas}`);
  // Channels written one by one: a set() of a fresh array per pixel cost 2-4x as much, and
  // "Qué ha aprendido" paints ~70,000 pixels in one task.
  const pixel = imagen.data, fila = canvas.width * 4;
  for (let k = 0; k < c; k++) {
    const origen = (Math.floor(k / columnas) * (h + 1)) * fila + (k % columnas) * (w + 1) * 4;
    for (let y = 0; y < h; y++)
      for (let x = 0, i = desde + k * h * w + y * w, o = origen + y * fila; x < w; x++, i++, o += 4) {
        const [r, g, b] = escala(datos[i]);
        pixel[o] = r;
        pixel[o + 1] = g;
        pixel[o + 2] = b;
        pixel[o + 3] = 255;
      }
  }
  ctx.putImageData(imagen, 0, 0);
  return ctx;
}

/**
 * The one ink painter: MNIST-style pixels (ink 1 on 0) as dark ink on white paper, like the
 * drawing (255 - ink·255 in each channel). No colour-scale call or array per pixel, as
 * pintarPlano makes: the drawing's steps are painted on every frame while the pen moves.
 */
export function pintarTinta(canvas, pixels, w = 28, h = 28) {
  const { ctx, imagen } = lienzoDePixeles(canvas, w, h, 'tinta');
  const pixel = imagen.data;
  for (let i = 0, o = 0, n = w * h; i < n; i++, o += 4) {
    pixel[o] = pixel[o + 1] = pixel[o + 2] = 255 - byte(pixels[i]);
    pixel[o + 3] = 255;
  }
  ctx.putImageData(imagen, 0, 0);
  return ctx;
}

/**
 * Sets a canvas's backing store to w × h pixels only if that changes it: assigning width or
 * height, even its current value, clears and reallocates it.
 */
export function dimensionar(canvas, w, h) {
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
}

// Each canvas's last ImageData, reused while its size and layout (`forma`) stay: a frame's
// repaint then writes every pixel it wrote before and allocates nothing.
const imagenes = new WeakMap();
function lienzoDePixeles(canvas, w, h, forma) {
  dimensionar(canvas, Math.max(1, w), Math.max(1, h));
  const ctx = canvas.getContext('2d');
  let guardada = imagenes.get(canvas);
  if (guardada?.forma !== forma || guardada.imagen.width !== canvas.width || guardada.imagen.height !== canvas.height) {
    guardada = { forma, imagen: ctx.createImageData(canvas.width, canvas.height) };
    imagenes.set(canvas, guardada);
  }
  return { ctx, imagen: guardada.imagen };
}

const byte = (t) => Math.round(255 * Math.min(1, Math.max(0, t)));

/** Grey scale for [min, max]: dark = low, white = high. */
export function escalaGris(min = 0, max = 1) {
  const rango = max - min || 1;
  return (v) => {
    const g = byte((v - min) / rango);
    return [g, g, g];
  };
}

/** Diverging scale: negative blue, zero white, positive red; `limite` is the largest |value|. */
export function escalaDivergente(limite) {
  const l = limite || 1;
  return (v) => {
    const bajo = 255 - byte(Math.abs(v) / l);
    return v >= 0 ? [255, bajo, bajo] : [bajo, bajo, 255];
  };
}

const rgb = ([r, g, b]) => `rgb(${r},${g},${b})`;

/** WCAG's relative luminance of an sRGB colour [r, g, b] (0-255). */
export function luminancia(color) {
  const [r, g, b] = color.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * Black or white, whichever contrasts more with `fondo`: one of them always reaches 4.5:1
 * (the worst case, a background of luminance 0.18, gives 4.58:1 to both).
 */
export function tintaSobre(fondo) {
  const l = luminancia(fondo);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000' : '#fff';
}

/** A grid cell for a value in [0, 1] (0 black, 1 white) with a number colour readable on it. */
export function gris(v) {
  const color = escalaGris()(v);
  return { fondo: rgb(color), tinta: tintaSobre(color) };
}

/** A grid cell on the diverging scale, with a number colour readable on it and its sign. */
export function divergente(v, escala) {
  const color = escalaDivergente(escala)(v);
  return { fondo: rgb(color), tinta: tintaSobre(color), negativa: v < 0 };
}
