// ONNX files in the probe worker: the .onnx (and its external data) decoded, sized, planned, built
// and run once by src/onnx/probe.ts; its OnnxError is the ModelFileError the verdict shows.
import { ModelFileError } from '../../byo/modelFiles';
import { OnnxError } from '../../onnx/errors';
import { isOnnxName, onnxFileSet } from '../../onnx/fileSet';
import { probeOnnx } from '../../onnx/probe';
import type { ProbeStage } from '../../engine/modelProbe';
import type { UntrustedModelFormat } from './formats';

export const ONNX_FORMAT: UntrustedModelFormat = {
  name: 'ONNX model (.onnx)',
  matches: (files) => files.some((f) => isOnnxName(f.name)),
  async probe(files, _role, report) {
    report('reading');
    let file = files.find((f) => isOnnxName(f.name))?.name ?? 'model.onnx';
    try {
      const set = onnxFileSet(files);
      file = set.file;
      let last: ProbeStage = 'reading';
      await probeOnnx(set.bytes, set.file, set.external, {}, (phase) => {
        const stage = phase === 'decode' || phase === 'plan' ? 'sizing' : 'running';
        if (stage !== last) report((last = stage));
      });
    } catch (err) {
      if (err instanceof OnnxError) throw new ModelFileError(file, err.message.startsWith(`${file}: `) ? err.message.slice(file.length + 2) : err.message);
      throw err;
    }
  },
};
