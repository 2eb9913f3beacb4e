// Turns any rejected engine call into a Spanish sentence: only this module maps codes to text.

import { errores, generico } from '../textos.js';

export function mensajeDeError(error) {
  return errores[error?.code] ?? error?.message_es ?? generico.error_desconocido;
}
