# Sourced by the scripts that run on the GPU machine (device tool, carry [".gpu"]): unpacks .gpu/bundle.tar.xz
# (from scripts/gpu/prepare.sh) to $app, installs the Vulkan loader if the machine lacks it, points Vulkan at
# NVIDIA's ICD, and sets $node (the bundled Node) and $OUT.
OUT=${OUT:-/tmp/gpu-out}; mkdir -p "$OUT"
app=/tmp/lstm-gpu; rm -rf "$app"; mkdir -p "$app"
tar -C "$app" -xJf .gpu/bundle.tar.xz
# GPU_DRY_RUN=1 (a rehearsal on a machine without a GPU) leaves the machine's libraries alone.
if [ -z "${GPU_DRY_RUN:-}" ]; then
  if ! ldconfig -p | grep -q libvulkan.so.1; then dpkg -x "$app"/libvulkan1_*.deb / && ldconfig; fi
  # NVIDIA's Vulkan ICD is libGLX_nvidia, which needs glvnd (libGLdispatch): without it "Found no drivers".
  for deb in .gpu/gl/*.deb; do [ -f "$deb" ] && dpkg -x "$deb" /; done; ldconfig
fi
# NVIDIA's EGL vendor file, where the container has one; naming a file that is not there hides every other EGL
# (Mesa's too: a dry run then found "no OpenGL ES" and trained on wasm).
nv_egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
[ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ] && [ -f "$nv_egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES="$nv_egl"
# NVIDIA containers put the ICD outside the default search path.
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  [ -f "$icd" ] && export VK_DRIVER_FILES="$icd" && break
done
node="$app/node"
cli="$app/app/dist/cli.js"
