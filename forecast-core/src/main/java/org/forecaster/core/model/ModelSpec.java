package org.forecaster.core.model;

import org.forecaster.core.baseline.SeasonalProfile;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a forecaster: {@code layers} stacked recurrent layers of one {@link CellType} with
 * hidden size {@code hidden}, fed {@code inputSize} features per step, and a dense Gaussian head giving a
 * mean and a log-scale for each of {@code horizon} future steps. {@code seasonLag > 0} adds one input: the
 * value {@code seasonLag - 1} steps before the current one (one season before the step being forecast),
 * normalised in the current step's frame (see {@link Features}), and makes the head's means residual over the
 * seasonal-naive forecast of each horizon step instead of over the current value (see {@link Forecaster#step});
 * 0 is the original model. {@code profileBins > 0} (the profile model, issue 15) replaces the ring lookups by the
 * key's {@link SeasonalProfile} of that many bins over {@code profileSeasonMillis}: the extra input is the profile's
 * forecast for the next step and the means are residual over its forecast for each horizon step; at most one of
 * the two is positive, and {@code profileSeasonMillis} is 0 exactly when {@code profileBins} is.
 *
 * <p>The flat parameter array is the concatenation of {@link #tensors()} in order:
 * <ul>
 *   <li>{@code layer<l>.w}: {@code [I_l + H, G*H]}, input-major, inputs ordered {@code [x, h]}; gate blocks
 *       in the order of the cell (LSTM/peephole: i, f, g, o; GRU: z, r, candidate), where {@code I_0 =
 *       inputSize} and {@code I_l = H} above;</li>
 *   <li>{@code layer<l>.b}: {@code [G*H]};</li>
 *   <li>{@code layer<l>.p}: {@code [3, H]} peephole weights for i, f, o (peephole LSTM only);</li>
 *   <li>{@code head.w}: {@code [H, 2K]} (outputs: K means, then K log-scales) and {@code head.b}: {@code [2K]}.</li>
 * </ul>
 */
public record ModelSpec(CellType cell, int layers, int inputSize, int hidden, int horizon, int seasonLag,
                        int profileBins, long profileSeasonMillis) {

    /** Largest seasonal lag: the key state's ring (which must hold a season) stores its capacity as a u16. */
    public static final int MAX_SEASON_LAG = 65_535;

    /** A spec without a seasonal-lag input (the original layout). */
    public ModelSpec(CellType cell, int layers, int inputSize, int hidden, int horizon) {
        this(cell, layers, inputSize, hidden, horizon, 0);
    }

    /** A spec without a seasonal profile. */
    public ModelSpec(CellType cell, int layers, int inputSize, int hidden, int horizon, int seasonLag) {
        this(cell, layers, inputSize, hidden, horizon, seasonLag, 0, 0);
    }

    /** A profile model: {@code profileBins} bins over a season of {@code profileSeasonMillis}, no season lag. */
    public static ModelSpec withProfile(CellType cell, int layers, int inputSize, int hidden, int horizon, int profileBins,
                                        long profileSeasonMillis) {
        return new ModelSpec(cell, layers, inputSize, hidden, horizon, 0, profileBins, profileSeasonMillis);
    }

    public ModelSpec {
        if (cell == null) {
            throw new IllegalArgumentException("cell type is required");
        }
        if (layers < 1 || layers > 8) {
            throw new IllegalArgumentException("layers must be in 1..8, got " + layers);
        }
        if (inputSize < 1 || inputSize > 4096) {
            throw new IllegalArgumentException("input size must be in 1..4096, got " + inputSize);
        }
        if (hidden < 1 || hidden > 4096) {
            throw new IllegalArgumentException("hidden size must be in 1..4096, got " + hidden);
        }
        if (horizon < 1 || horizon > 1024) {
            throw new IllegalArgumentException("horizon must be in 1..1024, got " + horizon);
        }
        if (seasonLag < 0 || seasonLag > MAX_SEASON_LAG) {
            throw new IllegalArgumentException("season lag must be in 0.." + MAX_SEASON_LAG + " steps, got " + seasonLag);
        }
        if (profileBins < 0 || profileBins > SeasonalProfile.MAX_BINS) {
            throw new IllegalArgumentException("profile bins must be in 0.." + SeasonalProfile.MAX_BINS + ", got " + profileBins);
        }
        if (profileBins > 0 && seasonLag > 0) {
            throw new IllegalArgumentException("a model has a season lag (" + seasonLag + ") or a profile (" + profileBins
                    + " bins), not both");
        }
        if (profileBins == 0 ? profileSeasonMillis != 0 : profileSeasonMillis < profileBins) {
            throw new IllegalArgumentException("profile season must be 0 without bins and at least a millisecond per bin"
                    + " with them, got " + profileSeasonMillis + " ms for " + profileBins + " bins");
        }
    }

    /** Whether the model reads a {@link SeasonalProfile} (and each key keeps one). */
    public boolean hasProfile() {
        return profileBins > 0;
    }

    /** A new, empty profile of this model's shape; null for a model without one. */
    public SeasonalProfile newProfile() {
        return hasProfile() ? new SeasonalProfile(profileBins, profileSeasonMillis) : null;
    }

    /** The record's form, without {@code seasonLag} or the profile when 0 (so specs without them read as before). */
    @Override
    public String toString() {
        return "ModelSpec[cell=" + cell + ", layers=" + layers + ", inputSize=" + inputSize + ", hidden=" + hidden
                + ", horizon=" + horizon + (seasonLag > 0 ? ", seasonLag=" + seasonLag : "")
                + (profileBins > 0 ? ", profileBins=" + profileBins + ", profileSeasonMillis=" + profileSeasonMillis : "") + "]";
    }

    /** Input width of layer {@code l}: the features for layer 0, the layer below's h above it. */
    public int layerInput(int l) {
        return l == 0 ? inputSize : hidden;
    }

    /** Floats of recurrent state per key and layer. */
    public int stateSizePerLayer() {
        return cell.stateVectors() * hidden;
    }

    /** Floats of recurrent state per key, all layers. */
    public int stateSize() {
        return layers * stateSizePerLayer();
    }

    /** The parameter tensors in storage order, with their offsets into the flat array. */
    public List<TensorSpec> tensors() {
        List<TensorSpec> out = new ArrayList<>();
        int off = 0;
        int gh = cell.gates() * hidden;
        for (int l = 0; l < layers; l++) {
            off = add(out, "layer" + l + ".w", new int[] {layerInput(l) + hidden, gh}, off);
            off = add(out, "layer" + l + ".b", new int[] {gh}, off);
            if (cell == CellType.PEEPHOLE_LSTM) {
                off = add(out, "layer" + l + ".p", new int[] {3, hidden}, off);
            }
        }
        off = add(out, "head.w", new int[] {hidden, 2 * horizon}, off);
        add(out, "head.b", new int[] {2 * horizon}, off);
        return List.copyOf(out);
    }

    /** Total number of parameters. */
    public int parameterCount() {
        List<TensorSpec> t = tensors();
        TensorSpec last = t.get(t.size() - 1);
        return last.offset() + last.size();
    }

    private static int add(List<TensorSpec> out, String name, int[] shape, int off) {
        TensorSpec t = new TensorSpec(name, shape, off);
        out.add(t);
        return Math.addExact(off, t.size());
    }
}
