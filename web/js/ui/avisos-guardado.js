// The line under the header that says a setting this browser kept could not be used: it did not
// fit its layout and was set aside (ui/almacen.js), and the page opened without it.

export function crearAvisosGuardado(elemento) {
  return (frase) => {
    elemento.textContent = [elemento.textContent, frase].filter(Boolean).join(' ');
    elemento.hidden = false;
  };
}
