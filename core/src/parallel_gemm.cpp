// parallel_gemm: one GEMM split into independent column or row blocks of C.
#include "convaula/parallel.h"
#include "layer_util.h"

namespace convaula {

void parallel_gemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B,
                   int ldb, float beta, float* C, int ldc) {
  ThreadPool& pool = ThreadPool::global();
  // Below ~1 MFLOP waking the workers costs more than it saves.
  if (pool.threads() == 1 || static_cast<double>(M) * N * K < 5e5) {
    kernels::gemm(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  constexpr int kBlock = 16;  // a multiple of every micro-tile width
  if (N >= M) {
    const int blocks = (N + kBlock - 1) / kBlock;
    pool.parallel_for(blocks, [&](int b, int e, int) {
      const int j0 = b * kBlock, j1 = std::min(N, e * kBlock);
      const float* Bj = tb ? B + static_cast<long>(j0) * ldb : B + j0;
      kernels::gemm(ta, tb, M, j1 - j0, K, A, lda, Bj, ldb, beta, C + j0, ldc);
    });
  } else {
    const int blocks = (M + kBlock - 1) / kBlock;
    pool.parallel_for(blocks, [&](int b, int e, int) {
      const int i0 = b * kBlock, i1 = std::min(M, e * kBlock);
      const float* Ai = ta ? A + i0 : A + static_cast<long>(i0) * lda;
      kernels::gemm(ta, tb, i1 - i0, N, K, Ai, lda, B, ldb, beta, C + static_cast<long>(i0) * ldc, ldc);
    });
  }
}

}  // namespace convaula
