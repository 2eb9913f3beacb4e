// textos.js: every user-visible Spanish string of ConvAula, in one module.

// Messages for the stable error codes: the engine's (core/include/convaula/error.h)
// and the worker's/client's own. Keep the keys in sync with error.h.
export const errores = {
  bad_spec: 'La descripción del modelo no es válida.',
  bad_shape: 'Las dimensiones de las capas no encajan entre sí.',
  bad_idx: 'Los archivos de datos MNIST están dañados o incompletos.',
  bad_weights: 'El archivo de pesos está dañado o es de otro modelo. El modelo actual no ha cambiado.',
  bad_image: 'No se ha podido usar la imagen.',
  bad_argument: 'Un valor de la configuración está fuera de rango.',
  io: 'No se ha podido leer el archivo.',
  diverged: 'El entrenamiento ha divergido (la pérdida ya no es un número). Prueba con una tasa de aprendizaje menor; se conservan los pesos anteriores.',
  network: 'No se han podido descargar los datos. Comprueba la conexión con el servidor.',
  no_model: 'Primero hay que crear un modelo.',
  no_data: 'Primero hay que cargar los datos MNIST.',
  busy: 'Hay un entrenamiento en marcha. Páralo antes de hacer esto.',
  not_training: 'No hay ningún entrenamiento en marcha.',
  out_of_memory: 'El navegador se ha quedado sin memoria.',
  unsupported: 'Este navegador no puede ejecutar el motor (hace falta WebAssembly).',
  worker_crash: 'El motor se ha detenido inesperadamente y se ha reiniciado. Vuelve a cargar los datos y el modelo.',
  internal: 'Error interno del motor.',
};
