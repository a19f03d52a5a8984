import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * The ONNX model `bytes` with the tensors `names` added to its graph's outputs (float32), so a session can read an
 * inner layer (a network's penultimate features) without a second copy of the weights. Refuses a name no node
 * produces, naming the nodes' last outputs to choose from.
 */
export function withGraphOutputs(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error('the ONNX model has no graph');
  const nodes = graph.node ?? [];
  graph.output ??= [];
  const outputs = graph.output;
  const produced = new Set(nodes.flatMap((n) => n.output ?? []));
  for (const name of names) {
    if (!produced.has(name)) {
      const last = nodes.slice(-5).flatMap((n) => n.output ?? []);
      throw new Error(`no node of the graph produces tensor ${name} (the last ones: ${last.join(', ')})`);
    }
    if (outputs.some((o) => o.name === name)) continue;
    outputs.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }));
  }
  return onnx.ModelProto.encode(model).finish();
}
