// Passes CONVAULA_* environment variables from Node to the wasm test binary's getenv().
// Emscripten gives C code a fixed fake environment (USER, HOME, ...) unless ENV is filled
// before main() runs; preRun is the documented hook. Plain ES5 on purpose: emscripten
// 3.1.6's JS optimizer mangles newer syntax (destructuring in for-of).
Module['preRun'] = Module['preRun'] || [];
Module['preRun'].push(function () {
  Object.keys(process.env).forEach(function (name) {
    if (name.indexOf('CONVAULA_') === 0) ENV[name] = process.env[name];
  });
});
