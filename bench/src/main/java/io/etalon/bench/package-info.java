/**
 * Benchmarks: JMH throughput of Etalon's solvers ({@link io.etalon.bench.EtalonBenchmark}) and a side-by-side run
 * against PyTorch autograd (through DJL) and ONNX Runtime on the same images and threads
 * ({@link io.etalon.bench.PeerComparison}). The peers are dependencies of this module only.
 */
package io.etalon.bench;
