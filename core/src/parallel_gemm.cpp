// parallel_gemm: one GEMM split into independent column or row blocks of C.
#include "convaula/parallel.h"
#include "layer_util.h"

namespace convaula {

namespace {

constexpr int kBlock = 16;  // a multiple of every micro-tile width

// Below ~1 MFLOP waking the workers costs more than it saves.
bool worth_splitting(const GemmArgs& g) { return static_cast<double>(g.M) * g.N * g.K >= 5e5; }

// Blocks of 16 columns of C when it is wider than tall, else of 16 rows.
int gemm_blocks(const GemmArgs& g) {
  return ((g.N >= g.M ? g.N : g.M) + kBlock - 1) / kBlock;
}

// Blocks [b, e) of g (as gemm_blocks counts them).
void gemm_blocks_run(const GemmArgs& g, int b, int e) {
  if (b >= e) return;
  if (g.N >= g.M) {
    const int j0 = b * kBlock, j1 = std::min(g.N, e * kBlock);
    const float* Bj = g.trans_b ? g.B + static_cast<long>(j0) * g.ldb : g.B + j0;
    kernels::gemm(g.trans_a, g.trans_b, g.M, j1 - j0, g.K, g.A, g.lda, Bj, g.ldb, g.beta,
                  g.C + j0, g.ldc);
  } else {
    const int i0 = b * kBlock, i1 = std::min(g.M, e * kBlock);
    const float* Ai = g.trans_a ? g.A + i0 : g.A + static_cast<long>(i0) * g.lda;
    kernels::gemm(g.trans_a, g.trans_b, i1 - i0, g.N, g.K, Ai, g.lda, g.B, g.ldb, g.beta,
                  g.C + static_cast<long>(i0) * g.ldc, g.ldc);
  }
}

void gemm_whole(const GemmArgs& g) {
  kernels::gemm(g.trans_a, g.trans_b, g.M, g.N, g.K, g.A, g.lda, g.B, g.ldb, g.beta, g.C, g.ldc);
}

}  // namespace

void parallel_gemm(bool ta, bool tb, int M, int N, int K, const float* A, int lda, const float* B,
                   int ldb, float beta, float* C, int ldc) {
  parallel_gemm({ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc});
}

void parallel_gemm(const GemmArgs& g) {
  ThreadPool& pool = ThreadPool::global();
  if (pool.threads() == 1 || !worth_splitting(g)) return gemm_whole(g);
  pool.parallel_for(gemm_blocks(g), [&](int b, int e, int) { gemm_blocks_run(g, b, e); });
}

void parallel_gemm2(const GemmArgs& a, const GemmArgs& b) {
  ThreadPool& pool = ThreadPool::global();
  const int threads = pool.threads();
  if (threads == 1 || !worth_splitting(a) || !worth_splitting(b)) {
    parallel_gemm(a);
    parallel_gemm(b);
    return;
  }
  // Slot s runs share s of each GEMM, the range parallel_for(blocks) would give it.
  const int blocks_a = gemm_blocks(a), blocks_b = gemm_blocks(b);
  const int parts_a = std::min(blocks_a, threads), parts_b = std::min(blocks_b, threads);
  pool.parallel_for(threads, [&](int first, int last, int) {
    for (int s = first; s < last; ++s) {
      int b0, e0;
      if (s < parts_a) split_range(blocks_a, parts_a, s, &b0, &e0), gemm_blocks_run(a, b0, e0);
      if (s < parts_b) split_range(blocks_b, parts_b, s, &b0, &e0), gemm_blocks_run(b, b0, e0);
    }
  });
}

}  // namespace convaula
