// Marks in the navigation the lesson section being read (aria-current), and keeps its link
// visible in the phone's sideways-scrolling strip.

export function crearNavegacion(nav, secciones) {
  const enlaces = new Map([...nav.querySelectorAll('a[href^="#"]')].map((a) => [a.hash.slice(1), a]));
  const visibles = new Set();

  // Scrolls only the navigation itself (scrollIntoView could move the page under the reader).
  function mostrarEnlace(enlace) {
    const caja = nav.getBoundingClientRect(), r = enlace.getBoundingClientRect();
    if (r.left < caja.left || r.right > caja.right) nav.scrollLeft += r.left - caja.left - 16;
    if (r.top < caja.top || r.bottom > caja.bottom) nav.scrollTop += r.top - caja.top - 16;
  }

  function marcar() {
    // The first section in page order that shows on screen is the one being read.
    const actual = [...secciones].find((s) => visibles.has(s.id));
    if (!actual) return;
    for (const [id, enlace] of enlaces) {
      if (id === actual.id) {
        if (enlace.getAttribute('aria-current') === 'location') continue;
        enlace.setAttribute('aria-current', 'location');
        mostrarEnlace(enlace);
      } else enlace.removeAttribute('aria-current');
    }
  }

  // A section counts as on screen once it crosses the band from 10% to 40% of the viewport.
  const observador = new IntersectionObserver((entradas) => {
    for (const e of entradas) (e.isIntersecting ? visibles.add(e.target.id) : visibles.delete(e.target.id));
    marcar();
  }, { rootMargin: '-10% 0px -60% 0px' });
  for (const s of secciones) observador.observe(s);
}
