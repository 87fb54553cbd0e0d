// Which external-data files an .onnx names (torch.onnx.export writes one beside a model over 2 GB,
// or when asked with save_as_external_data): the files a loader must read along with it.
import type { OnnxModel } from './model';

/** The distinct `location`s of the model's initialisers kept outside the file, in order of first use. */
export function externalLocations(model: OnnxModel): string[] {
  const seen = new Set<string>();
  for (const t of model.graph.initializers.values()) if (t.external) seen.add(t.external.location);
  return [...seen];
}
