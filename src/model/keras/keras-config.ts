/**
 * The model's Keras configuration: checked when a file carries one (a `.keras` archive's config.json, a Keras 2 `.h5`
 * file's `model_config` attribute), and written for an export. The checks are those that change what the weights
 * compute: our stepper is the design's LSTM (tanh, sigmoid gates, biases) and a softmax over the dense outputs.
 */

interface LayerConfig {
  class_name?: unknown;
  config?: Record<string, unknown>;
}

/** Every object in the configuration that names a layer class, depth first (a subclassed model nests them anywhere). */
function layerConfigs(config: unknown, out: LayerConfig[] = [], depth = 0): LayerConfig[] {
  if (depth > 64 || config === null || typeof config !== 'object') return out;
  if (Array.isArray(config)) {
    for (const c of config) layerConfigs(c, out, depth + 1);
    return out;
  }
  const o = config as Record<string, unknown>;
  if (typeof o.class_name === 'string' && o.config && typeof o.config === 'object') out.push(o as LayerConfig);
  for (const v of Object.values(o)) layerConfigs(v, out, depth + 1);
  return out;
}

function activationName(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  const o = v as { config?: unknown; class_name?: unknown };
  if (typeof o.config === 'string') return o.config; // Keras 3 serialises an activation as {class_name: 'function', config: 'tanh'}
  if (typeof o.class_name === 'string') return o.class_name;
  return undefined;
}

export interface ConfigFacts {
  dropout?: number;
  denseL2?: number;
  /** Why the weights cannot be ours, when the configuration says so. */
  refusal?: string;
}

/** What the configuration says about the model, and a refusal when its layers compute something else. */
export function checkConfig(config: unknown): ConfigFacts {
  const layers = layerConfigs(config);
  const facts: ConfigFacts = {};
  for (const l of layers) {
    const c = l.config ?? {};
    const name = typeof c.name === 'string' ? c.name : String(l.class_name);
    if (l.class_name === 'LSTM' || l.class_name === 'CuDNNLSTM') {
      const act = activationName(c.activation) ?? 'tanh';
      const rec = activationName(c.recurrent_activation) ?? 'sigmoid';
      if (act !== 'tanh') facts.refusal = `its LSTM ${name} uses activation ${act}; the design's uses tanh`;
      else if (rec !== 'sigmoid') facts.refusal = `its LSTM ${name} uses recurrent_activation ${rec}; the design's uses sigmoid`;
      else if (c.use_bias === false) facts.refusal = `its LSTM ${name} has no bias`;
      else if (c.go_backwards === true) facts.refusal = `its LSTM ${name} reads backwards`;
    } else if (l.class_name === 'Dense') {
      const act = activationName(c.activation) ?? 'linear';
      if (act !== 'linear' && act !== 'softmax') facts.refusal = `its dense layer ${name} uses activation ${act}; the design's outputs are a softmax`;
      const reg = c.kernel_regularizer as { config?: { l2?: unknown } } | null | undefined;
      if (typeof reg?.config?.l2 === 'number') facts.denseL2 = reg.config.l2;
    } else if (l.class_name === 'Dropout' && typeof c.rate === 'number' && facts.dropout === undefined) {
      facts.dropout = c.rate;
    }
  }
  return facts;
}

function policy(): Record<string, unknown> {
  return { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
}

function layer(className: string, config: Record<string, unknown>, inputShape?: (number | null)[]): Record<string, unknown> {
  return {
    module: 'keras.layers',
    class_name: className,
    config: { name: config.name, trainable: true, dtype: policy(), ...config },
    registered_name: null,
    ...(inputShape ? { build_config: { input_shape: inputShape } } : {}),
  };
}

/** Names of the design's layers as the seed names them (train.py): embedding, lstm_1, lstm_2, ..., dense. */
export function seedLayerNames(layers: number): { embedding: string; lstm: string[]; dropout: string[]; dense: string } {
  return {
    embedding: 'embedding',
    lstm: Array.from({ length: layers }, (_, i) => `lstm_${i + 1}`),
    // Unnamed in the seed, so Keras numbers them: dropout, dropout_1, ...
    dropout: Array.from({ length: layers }, (_, i) => (i ? `dropout_${i}` : 'dropout')),
    dense: 'dense',
  };
}

/**
 * A Sequential model of the design in Keras 3's configuration format (the shape `serialize_keras_object` gives): any
 * Keras 3 rebuilds it with `keras.saving.load_model` and no custom objects, and the seed's layer names find its layers.
 */
export function sequentialConfig(
  spec: { vocabSize: number; embeddingDim: number; lstmUnits: number[]; dropout: number; denseL2: number },
  modelName: string,
): Record<string, unknown> {
  const names = seedLayerNames(spec.lstmUnits.length);
  const seq: (number | null)[] = [null, null];
  const layers: Record<string, unknown>[] = [
    {
      module: 'keras.layers',
      class_name: 'InputLayer',
      config: { batch_shape: seq, dtype: 'int32', sparse: false, name: 'input_layer' },
      registered_name: null,
    },
    layer('Embedding', { name: names.embedding, input_dim: spec.vocabSize, output_dim: spec.embeddingDim, mask_zero: false }, seq),
  ];
  let width = spec.embeddingDim;
  spec.lstmUnits.forEach((units, i) => {
    layers.push(
      layer(
        'LSTM',
        {
          name: names.lstm[i],
          units,
          activation: 'tanh',
          recurrent_activation: 'sigmoid',
          use_bias: true,
          return_sequences: true,
          stateful: false,
          go_backwards: false,
        },
        [null, null, width],
      ),
    );
    layers.push(layer('Dropout', { name: names.dropout[i], rate: spec.dropout }, [null, null, units]));
    width = units;
  });
  layers.push(
    layer(
      'Dense',
      {
        name: names.dense,
        units: spec.vocabSize,
        activation: 'softmax',
        use_bias: true,
        kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: spec.denseL2 }, registered_name: null },
      },
      [null, null, width],
    ),
  );
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: modelName, trainable: true, dtype: policy(), layers, build_input_shape: seq },
    registered_name: null,
    build_config: { input_shape: seq },
  };
}
