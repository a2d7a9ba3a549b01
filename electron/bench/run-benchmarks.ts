export interface BenchOptions {
  json: boolean;
  quick: boolean;
}

export async function runBenchmarks(_options: BenchOptions): Promise<void> {
  throw new Error('benchmarks not written yet');
}
