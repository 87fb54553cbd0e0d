// dX is the depthwise convolution (XNNPACK) of dY, spread by the stride and padded to a full
// convolution, with the filter turned by 180°. A channel multiplier M > 1 takes one such
// convolution per m, summed.
import { backend_util, DepthwiseConv2dNativeBackpropInput, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { KernelCalls } from './kernelCalls';
import { assertNoDilation, spreadForFullConvolution } from './convGeometry';

interface Attrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

function depthwiseConv2dNativeBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: never; attrs: Attrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const k = new KernelCalls(backend);
  const filterShape = inputs.filter.shape as [number, number, number, number];
  const info = backend_util.computeConv2DInfo(attrs.inputShape, filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true);
  assertNoDilation(DepthwiseConv2dNativeBackpropInput, info);
  const { batchSize, filterHeight, filterWidth, inChannels } = info;
  const multiplier = filterShape[3];
  const padded = spreadForFullConvolution(k, inputs.dy, info);
  const turned = k.reverse(inputs.filter, [0, 1]);
  const conv = (x: TensorInfo, filter: TensorInfo) =>
    k.run('DepthwiseConv2dNative', { x, filter }, { strides: [1, 1], pad: 'valid', dilations: [1, 1] });
  if (multiplier === 1) return k.finish(conv(padded, turned));

  const [, rows, cols] = padded.shape;
  const split = k.reshape(padded, [batchSize, rows, cols, inChannels, multiplier]);
  let sum: TensorInfo | null = null;
  for (let m = 0; m < multiplier; m++) {
    const dyM = k.reshape(k.stridedSlice(split, [0, 0, 0, 0, m], [batchSize, rows, cols, inChannels, 1], [1, 1, 1, 1, 1]), [batchSize, rows, cols, inChannels]);
    const filterM = k.stridedSlice(turned, [0, 0, 0, m], [filterHeight, filterWidth, inChannels, 1], [1, 1, 1, 1]);
    const part = conv(dyM, filterM);
    sum = sum ? k.add(sum, part) : part;
  }
  return k.finish(sum as TensorInfo);
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as KernelFunc,
};
