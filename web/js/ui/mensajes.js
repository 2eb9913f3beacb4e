// Turns any rejected engine call into a Spanish sentence: the code's message, else the worker's.

import { errores, generico } from '../textos.js';

export function mensajeDeError(error) {
  return errores[error?.code] ?? error?.message_es ?? generico.error_desconocido;
}
