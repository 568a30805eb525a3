"""Keras files written and read with h5py, the library Keras itself saves through (test/model/keras/keras-h5py.test.ts).

write-keras2 RAW OUT.h5 META.json: a Keras 2 whole-model .h5 of a seed model stored as float16 (a float16 policy), as
    keras/src/legacy/saving/legacy_h5_format.py writes one: `model_config` and version attributes on the root,
    `model_weights/` with `layer_names` (an array of fixed-length byte strings, save_attributes_to_hdf5_group), a
    group per layer with `weight_names`, each weight a dataset at that path, and `optimizer_weights/`.
    RAW holds the float32 arrays back to back, META.json their names and shapes. Writes the float16 values back to
    RAW.f16 as float32, so the test compares against exactly what was stored.
write-keras3 RAW OUT.keras META.json: the same model as a Keras 3 .keras archive, as keras/src/saving/saving_lib.py
    writes one: a zip (stored) of metadata.json, config.json and model.weights.h5, written by h5py into memory
    (H5IOStore with an archive), with `vars` groups carrying a `name` attribute.
list FILE.keras: prints the archive's entries (name, compression) and every HDF5 object of model.weights.h5 with its
    attributes, dtype and shape, as JSON.
"""
import io
import json
import sys
import zipfile

import h5py
import numpy as np


def arrays(raw, meta):
    data = np.fromfile(raw, dtype="<f4")
    out, off = {}, 0
    for entry in meta["arrays"]:
        n = int(np.prod(entry["shape"]))
        out[entry["name"]] = data[off : off + n].reshape(entry["shape"])
        off += n
    return out


def write_keras2(raw, out, meta_file):
    meta = json.load(open(meta_file))
    a = {k: v.astype(np.float16) for k, v in arrays(raw, meta).items()}
    with open(raw + ".f16", "wb") as f:
        for entry in meta["arrays"]:
            f.write(a[entry["name"]].astype("<f4").tobytes())
    layers = meta["keras2_layers"]  # [[layer name, [weight name, ...]], ...] in model order
    with h5py.File(out, "w") as f:
        f.attrs["keras_version"] = b"2.15.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(meta["keras2_config"]).encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([name.encode("utf8") for name, _ in layers])
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = b"2.15.0"
        for name, weights in sorted(layers, key=lambda x: x[0]):
            lg = g.create_group(name)
            lg.attrs["weight_names"] = np.array([w.encode("utf8") for w in weights])
            for w in weights:
                lg.create_dataset(w, data=a[w])
        o = f.create_group("optimizer_weights")
        o.attrs["weight_names"] = np.array([b"Adam/iter:0"])
        o.create_dataset("Adam/iter:0", data=np.array(3, dtype=np.int64))


def write_keras3(raw, out, meta_file):
    meta = json.load(open(meta_file))
    a = arrays(raw, meta)
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        for path, name, weights in meta["keras3_groups"]:
            g = f.create_group(path + "/vars" if path else "vars")
            g.attrs["name"] = name
            for i, w in enumerate(weights):
                g.create_dataset(str(i), data=a[w])
    with zipfile.ZipFile(out, "w") as zf:
        with zf.open("metadata.json", "w") as f:
            f.write(json.dumps({"keras_version": "3.16.0", "date_saved": "2026-12-07@12:00:00"}).encode())
        with zf.open("config.json", "w") as f:
            f.write(json.dumps(meta["keras3_config"]).encode())
        zf.writestr("model.weights.h5", buf.getvalue())


def list_keras(path):
    with zipfile.ZipFile(path) as zf:
        entries = [[i.filename, i.compress_type] for i in zf.infolist()]
        config = json.loads(zf.read("config.json"))
        metadata = json.loads(zf.read("metadata.json"))
        h5 = io.BytesIO(zf.read("model.weights.h5"))
    objects = []

    def visit(name, obj):
        attrs = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in obj.attrs.items()}
        if isinstance(obj, h5py.Dataset):
            objects.append([name, attrs, str(obj.dtype), list(obj.shape)])
        else:
            objects.append([name, attrs, None, None])

    with h5py.File(h5, "r") as f:
        f.visititems(visit)
    print(json.dumps({"entries": entries, "config": config, "metadata": metadata, "objects": objects}))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "write-keras2":
        write_keras2(*sys.argv[2:5])
    elif cmd == "write-keras3":
        write_keras3(*sys.argv[2:5])
    elif cmd == "list":
        list_keras(sys.argv[2])
    else:
        raise SystemExit(f"unknown command {cmd}")
