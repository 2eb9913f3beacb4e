// Every user-visible Spanish string of the page, in one module (STYLE.md rule 10).
// Static HTML takes its text from here through data-t attributes (see ui/rotulos.js);
// functions build the sentences that carry numbers, which callers format with formato.js.

export const app = {
  titulo: 'ConvAula',
  titulo_documento: 'ConvAula · Redes neuronales convolucionales en el aula',
  lema: 'Aprende cómo ve una red neuronal convolucional entrenándola aquí mismo, en tu navegador.',
  navegacion: 'Secciones de la lección',
  saltar: 'Saltar al contenido',
  proyector: 'Modo proyector',
  pie: 'ConvAula funciona entero en tu navegador: nada de lo que dibujes o entrenes sale de este ordenador.',
};

// The lesson's sections, in the syllabus's order. The lesson widgets are added inside
// each section later; the intro stays as the section's first paragraph.
export const secciones = {
  imagenes: {
    titulo: 'Imágenes',
    intro: 'Para un ordenador, una imagen es una tabla de números. En una imagen en escala de grises cada píxel guarda un solo valor, su brillo; en una imagen en color guarda tres: cuánto rojo, cuánto verde y cuánto azul. Todo lo que una red neuronal hace con una foto empieza y termina en esas tablas.',
  },
  convolucion: {
    titulo: 'Convolución',
    intro: 'En su versión discreta, la convolución es una operación muy sencilla: colocamos una matriz pequeña, el kernel, sobre un trozo de la imagen, multiplicamos casilla a casilla y sumamos. Según los números del kernel, el resultado se dispara donde hay un borde vertical, un borde horizontal o una esquina, y vale cero donde la imagen es uniforme.',
  },
  'capas-convolutivas': {
    titulo: 'Capas convolutivas',
    intro: 'Una convolución la puede calcular una neurona: los valores del kernel son sus pesos y el trozo de imagen que cubre son sus entradas. Una capa convolutiva repite esa misma neurona, con los mismos pesos, a lo largo y ancho de la imagen, y apila varios kernels para obtener varios canales: un tensor de características.',
  },
  mnist: {
    titulo: 'Clasificación del MNIST',
    intro: 'MNIST reúne 70.000 dígitos escritos a mano, de 28 × 28 píxeles: 60.000 para entrenar y 10.000 para comprobar. Antes de entrenar normalizamos los píxeles al intervalo [0, 1], damos a cada imagen la forma (28, 28, 1) y codificamos cada etiqueta en one-hot; después construimos la red capa a capa, igual que en Keras.',
  },
  maxpooling: {
    titulo: 'Maxpooling',
    intro: 'El maxpooling reduce el tamaño de los mapas de características: recorre el mapa con una ventana de 2 × 2 y se queda solo con el valor más alto de cada ventana. Se descartan tres de cada cuatro números, pero se conserva lo importante: dónde, más o menos, ha aparecido cada característica.',
  },
  dropout: {
    titulo: 'Dropout',
    intro: 'Mientras la red entrena, el dropout apaga al azar una parte de las neuronas de una capa en cada paso y multiplica a las supervivientes para compensar. Así ninguna neurona puede volverse imprescindible y la red generaliza mejor. Al predecir, el dropout se desactiva y trabajan todas.',
  },
  relu: {
    titulo: 'ReLU',
    intro: 'La ReLU es la función de activación más usada en las redes profundas: deja pasar los valores positivos tal cual y convierte los negativos en cero. Su derivada vale 1 en la parte positiva, así que el gradiente no se va apagando capa tras capa, como ocurre con la sigmoide, y la red aprende más deprisa.',
  },
  entrenar: {
    titulo: 'Entrenar y predecir',
    intro: 'Aquí entrenas la red de verdad, dentro de tu navegador. Elige el modelo y el optimizador, pulsa «Entrenar» y observa cómo baja la pérdida y sube la precisión lote a lote. Después dibuja un dígito y mira qué probabilidad da la red a cada número del 0 al 9.',
  },
  aprendido: {
    titulo: 'Qué ha aprendido la red',
    intro: 'Una vez entrenada, todo lo que la red sabe está en sus pesos. Podemos mirar los kernels de la primera capa, ver qué partes de tu dibujo activan cada filtro y descubrir, con la matriz de confusión, qué dígitos confunde más a menudo.',
  },
  practica: {
    titulo: 'Práctica',
    intro: 'Ahora te toca experimentar: cambia la ReLU por la sigmoide, Adadelta por el descenso por gradiente, añade otra capa convolutiva o usa kernels de 5 × 5. Cada prueba queda guardada con su configuración para que la clase compare las curvas de aprendizaje.',
  },
};

export const motor = {
  cargando: 'Arrancando el motor…',
  variante: {
    'simd-mt': (hilos) => `Motor: WebAssembly SIMD con ${hilos} hilos`,
    simd: () => 'Motor: WebAssembly SIMD (un solo hilo)',
    scalar: () => 'Motor: WebAssembly sin SIMD',
  },
  nota_un_hilo: 'La página no está aislada entre orígenes, así que el motor usa un solo hilo.',
  nota_sin_simd: 'Tu navegador no admite WebAssembly SIMD: todo funciona, pero el entrenamiento será bastante más lento.',
  datos_cargando: (cargados, total) => `Descargando MNIST: ${cargados} de ${total}`,
  datos_listos: (train, test) => `MNIST listo: ${train} imágenes de entrenamiento y ${test} de test`,
  datos_etiqueta: 'Descarga de los datos de MNIST',
  fallo_arranque: 'No se ha podido arrancar el motor.',
  fallo_motor: 'El motor se ha detenido de forma inesperada y se ha vuelto a arrancar: la red empieza de cero.',
};

export const entrenamiento = {
  titulo: 'Entrenamiento',
  modelo: 'Modelo',
  presets: {
    'keras-mnist': 'Red de la lección (Keras MNIST)',
    classroom: 'Red rápida para clase',
  },
  parametros: (n) => `${n} parámetros entrenables`,
  optimizador: 'Optimizador',
  optimizadores: { adadelta: 'Adadelta', adam: 'Adam', rmsprop: 'RMSprop', sgd: 'SGD (descenso por gradiente)' },
  tasa: 'Tasa de aprendizaje (lr)',
  lote: 'Tamaño del lote',
  epocas: 'Épocas',
  subconjunto: 'Imágenes de entrenamiento',
  subconjunto_opcion: (n, total) => (n === total ? `${n} (todas)` : `${n} (subconjunto)`),
  nota_adadelta: 'Con Adadelta, tf.keras usa por defecto lr = 0,001, que aprende muy despacio; el ejemplo original de Keras usaba lr = 1,0, que es lo práctico en clase.',
  usar_lr: (lr) => `Usar ${lr}`,
  iniciar: 'Entrenar',
  pausar: 'Pausar',
  reanudar: 'Reanudar',
  detener: 'Detener',
  estados: {
    loading: 'Preparando el motor y los datos…',
    idle: 'Listo para entrenar.',
    training: 'Entrenando…',
    paused: 'En pausa.',
    done: 'Entrenamiento terminado.',
    stopped: 'Entrenamiento detenido.',
    error: 'Algo ha fallado.',
  },
  construyendo: 'Creando la red con pesos nuevos…',
  progreso: ({ epoch, epochs, batch, batches }) => `Época ${epoch} de ${epochs} · lote ${batch} de ${batches}`,
  velocidad: (ips) => `${ips} imágenes/s`,
  restante: (t) => `quedan ${t}`,
  progreso_etiqueta: 'Progreso del entrenamiento',
  grafica_perdida: 'Pérdida',
  grafica_precision: 'Precisión',
  eje_epoca: 'Época',
  grafica_perdida_alt: 'Gráfica de la pérdida frente a las épocas: por lote, y por época en entrenamiento y en validación.',
  grafica_precision_alt: 'Gráfica de la precisión frente a las épocas: por lote, y por época en entrenamiento y en validación.',
  serie_lote: 'entrenamiento (por lote)',
  serie_epoca: 'entrenamiento (por época)',
  serie_validacion: 'validación (por época)',
  registro: 'Registro de épocas',
  linea_epoca: ({ epoch, epochs, segundos, loss, accuracy, val_loss, val_accuracy }) =>
    `Época ${epoch}/${epochs} · ${segundos} · pérdida ${loss} · precisión ${accuracy} · pérdida val. ${val_loss} · precisión val. ${val_accuracy}`,
  resultado: 'Resultado en el conjunto de test (model.evaluate)',
  test_perdida: 'Pérdida en test',
  test_precision: 'Precisión en test',
  errores_campo: {
    tasa: (max) => `Escribe un número mayor que 0 y como mucho ${max}, por ejemplo 0,001.`,
    entero: (min, max) => `Escribe un número entero entre ${min} y ${max}.`,
  },
};

export const dibujo = {
  titulo: 'Dibuja un dígito',
  instrucciones: 'Dibuja un número del 0 al 9 con el ratón, el dedo o un lápiz. La red lo lee mientras dibujas.',
  lienzo: 'Lienzo para dibujar un dígito con el ratón, el dedo o un lápiz',
  borrar: 'Borrar',
  vista: 'Lo que ve la red (28\u00a0×\u00a028)',
  vista_alt: 'Tu dibujo recortado, reducido a 28 × 28 píxeles y centrado, tal como se lo damos a la red',
  prediccion: 'La red cree que es un',
  probabilidades: 'Probabilidad de cada dígito',
  probabilidad_de: (d) => `Probabilidad del ${d}`,
  anuncio: (d, p) => `La red cree que es un ${d}, con una probabilidad del ${p}.`,
  vacio: 'Lienzo vacío.',
};

export const pesos = {
  titulo: 'Guardar y cargar pesos',
  explicacion: 'Guarda los pesos de la red entrenada en un archivo para usarlos otro día, o carga un archivo guardado antes.',
  guardar: 'Descargar pesos',
  media_precision: 'Guardar en media precisión (float16, la mitad de tamaño)',
  cargar: 'Cargar pesos desde un archivo…',
  guardados: (tam) => `Pesos guardados (${tam}).`,
  cargados: (archivo) => `Pesos cargados de «${archivo}». La red ya usa estos pesos.`,
  fallo_carga: 'No se han podido cargar los pesos.',
  fallo_guardado: 'No se han podido guardar los pesos.',
  kb: (n) => `${n} kB`,
};

export const generico = {
  error_desconocido: 'Ha ocurrido un error inesperado.',
};

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
