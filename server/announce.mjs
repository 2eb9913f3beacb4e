// announce.mjs: class mode's lines in the terminal: every address the students' devices can
// use, a QR code of the first, and the teacher's panel URL with its key (printed once, here).
import { networkInterfaces } from 'node:os';

/** The students' URLs on this machine's LAN addresses (IPv4, not loopback). */
export function lanUrls(port, query = '') {
  const out = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') out.push(`http://${a.address}:${port}/${query}`);
  }
  return out;
}

export async function announce({ bound, host, port, aula }) {
  const query = aula ? `?aula=${aula.code}` : '';
  const lan = lanUrls(port, query);
  if (bound !== '::' && bound !== '0.0.0.0') {
    console.log(`Modo clase: escuchando solo en ${host}`);
    if (aula) console.log(`  estudiantes: http://${host}:${port}/${query}`);
  } else if (lan.length === 0) {
    console.log('Modo clase: este equipo no tiene ninguna dirección de red local (¿está conectado a la wifi?).');
  } else {
    console.log('Modo clase: los estudiantes pueden abrir cualquiera de estas direcciones:');
    for (const url of lan) console.log(`  ${url}`);
    try {
      const { renderUnicodeCompact } = await import('uqr');
      console.log(renderUnicodeCompact(lan[0], { border: 2 }));
    } catch (err) {
      console.log(`(sin código QR: ${err.message})`);
    }
    console.log('Por http desde otra dirección el navegador no permite hilos ni uso sin conexión: la página lo explica.');
  }
  if (aula) {
    // The key goes after '#': browsers never send a URL's fragment, so it reaches no log.
    console.log('Panel del aula, solo para el docente (no lo compartas; ábrelo en este equipo):');
    console.log(`  http://127.0.0.1:${port}/aula.html#clave=${aula.key}`);
    console.log(`Datos del aula: ${aula.file}`);
  }
}
