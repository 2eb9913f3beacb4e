// Projector mode: a body class with larger type and higher contrast, remembered between visits;
// in it, "Ocultar respuestas" hides the questions' verdicts and the engine's answers on the
// shared screen while the class thinks (for this visit only).

const CLAVE = 'convaula.proyector';

export function crearProyector(boton, botonRespuestas) {
  botonRespuestas.addEventListener('click', () => {
    const ocultas = document.body.classList.toggle('sin-respuestas');
    botonRespuestas.setAttribute('aria-pressed', String(ocultas));
  });
  const aplicar = (activo) => {
    document.body.classList.toggle('proyector', activo);
    boton.setAttribute('aria-pressed', String(activo));
  };
  // localStorage can throw in private modes; the toggle still works for this visit.
  const leer = () => { try { return localStorage.getItem(CLAVE) === '1'; } catch { return false; } };
  const guardar = (activo) => { try { localStorage.setItem(CLAVE, activo ? '1' : '0'); } catch { /* only this visit */ } };

  aplicar(leer());
  boton.addEventListener('click', () => {
    const activo = !document.body.classList.contains('proyector');
    aplicar(activo);
    guardar(activo);
  });
}
