import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The CPU model and whether it has AVX-512 / AVX2, printed beside every figure. */
export function cpuInfo(): { model: string; cores: number; avx512: boolean; avx2: boolean } {
  const text = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const flags = /^flags\s*:\s*(.*)$/m.exec(text)?.[1].split(' ') ?? [];
  const family = /^cpu family\s*:\s*(\d+)/m.exec(text)?.[1];
  const model = /^model\s*:\s*(\d+)/m.exec(text)?.[1];
  const name = /^model name\s*:\s*(.*)$/m.exec(text)?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
  return { model: `${name.trim()} (family ${family}, model ${model})`, cores: cpus().length, avx512: flags.includes('avx512f'), avx2: flags.includes('avx2') };
}

const REFERENCE = fileURLToPath(new URL('../../shared/bench/gemm-reference.py', import.meta.url));

export interface GemmReference {
  gflops: number;
  /** OpenBLAS's kernel, as it reports it. */
  core: string;
  note?: string;
}

/**
 * The environment for numpy/OpenBLAS references. OpenBLAS picks its
 * kernel from the CPU model; on a model it does not know (seen here: a KVM
 * Xeon reported as "Prescott", 60 GFLOP/s instead of ~290) it falls back to an
 * old one, which would make fitmatch look better than it is. So the reference
 * runs with the best kernel the CPU's flags allow, and says which.
 */
export function referenceEnv(): NodeJS.ProcessEnv {
  const cpu = cpuInfo();
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_CORETYPE: cpu.avx512 ? 'SkylakeX' : cpu.avx2 ? 'Haswell' : '' };
  delete env.OPENBLAS_L2_SIZE;
  if (!env.OPENBLAS_CORETYPE) delete env.OPENBLAS_CORETYPE;
  return env;
}

/** numpy/OpenBLAS GEMM GFLOP/s at D on this machine, now. */
export function numpyGemm(q: number, c: number, d: number, repeats = 3): GemmReference | { skipped: string } {
  if (!existsSync(REFERENCE)) return { skipped: `${REFERENCE} not found` };
  const env = referenceEnv();
  // Debian's libblas.so.3 is OpenBLAS when libopenblas0-pthread is installed (the alternative numpy loads).
  const core = spawnSync('/usr/bin/python3', ['-c', "import ctypes;l=ctypes.CDLL('libblas.so.3');l.openblas_get_corename.restype=ctypes.c_char_p;print(l.openblas_get_corename().decode())"], { env, encoding: 'utf8' });
  const r = spawnSync('/usr/bin/python3', [REFERENCE, '--q', String(q), '--c', String(c), '--d', String(d), '--k', '50', '--repeats', String(repeats), '--json'], { env, encoding: 'utf8' });
  if (r.status !== 0) return { skipped: `numpy reference failed: ${r.stderr.trim().split('\n').pop()} (apt-get install python3-numpy libopenblas0-pthread)` };
  const row = JSON.parse(r.stdout).results[String(d)] as { numpy_gemm_gflops: number };
  return { gflops: row.numpy_gemm_gflops, core: core.stdout.trim() || 'unknown' };
}

/** CPU time (user + system, ms) the local MariaDB server has used so far, or null when it is not found here. */
export function mariadbCpuMs(): number | null {
  if (!existsSync('/proc')) return null;
  const tick = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!/^(mariadbd|mysqld)$/.test(readFileSync(`/proc/${pid}/comm`, 'utf8').trim())) continue;
      // Fields after the ")" of the command: utime and stime are the 12th and 13th.
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / tick;
    } catch {
      // The process ended while being read.
    }
  }
  return null;
}
