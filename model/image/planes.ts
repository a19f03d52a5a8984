/** Interleaved RGB (HWC, as warpAffine writes it) to three planes (CHW, as ONNX networks take it). */
export function toPlanes(pixels: Float32Array, planes: Float32Array, plane: number): Float32Array {
  for (let i = 0; i < plane; i++) {
    planes[i] = pixels[3 * i] ?? 0;
    planes[plane + i] = pixels[3 * i + 1] ?? 0;
    planes[2 * plane + i] = pixels[3 * i + 2] ?? 0;
  }
  return planes;
}
