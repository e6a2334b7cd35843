package org.forecaster.serving.weights;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.modelio.ModelAcceptance;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelFormatException;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.modelio.ModelSignature;
import org.forecaster.core.modelio.ModelVerifier;
import org.forecaster.serving.metrics.ServingMetrics;

/**
 * The model currently served. New versions are validated completely before one atomic swap; a rejected version
 * changes nothing. In order: the signature over the exact bytes by a trusted key ({@link ModelVerifier}, checked
 * before a byte of the file is parsed); core's {@link ModelReader} (magic, format version, structure, checksum,
 * header, shapes, finite values); core's {@link ModelAcceptance} (record key = model name, architecture cap, version
 * ceiling and bounded jump); compatibility with this service (the input size must be the step features of its
 * season lag, {@link Features#count}); and a version newer than the current one. Stream threads read
 * {@link #current()} between records. Thread-safe.
 */
public final class ModelHolder {
    /** Outcome of {@link #offer}: accepted, or rejected with a stable reason label and a message for the log. */
    public record Verdict(boolean accepted, String reason, String message, LoadedModel model) {
        static Verdict rejected(String reason, String message) {
            return new Verdict(false, reason, message, null);
        }
    }

    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition loaded = lock.newCondition();
    private final Kernels kernels;
    private final ServingMetrics metrics;
    private final ModelVerifier verifier;
    private final ModelAcceptance acceptance;

    /** A holder that checks no signatures, with the default acceptance rules: for tests of everything else. */
    public ModelHolder(Kernels kernels, ServingMetrics metrics) {
        this(kernels, metrics, ModelVerifier.DISABLED, ModelAcceptance.DEFAULT);
    }

    public ModelHolder(Kernels kernels, ServingMetrics metrics, ModelVerifier verifier, ModelAcceptance acceptance) {
        this.kernels = kernels;
        this.metrics = metrics;
        this.verifier = verifier;
        this.acceptance = acceptance;
    }

    /** The model serving now, or null before the first one is accepted. */
    public LoadedModel current() {
        return current.get();
    }

    /**
     * {@link #offer(String, byte[], ModelSignature)} for a file that comes with neither key nor signature: accepted
     * only when signatures are not required.
     */
    public Verdict offer(byte[] bytes) {
        return offer(null, bytes, null);
    }

    /**
     * Validates an encoded model file and, if it passes, swaps it in. Never throws for bad input: the verdict
     * says why it was rejected, and the rejection is counted.
     *
     * @param recordKey the key it was published under, which must be the model's name; null when it has none
     *                  (a file given in configuration)
     * @param bytes     the encoded model file
     * @param signature the record's signature, or null when unsigned
     */
    public Verdict offer(String recordKey, byte[] bytes, ModelSignature signature) {
        Verdict v = validate(recordKey, bytes, signature);
        if (v.accepted()) {
            lock.lock();
            try {
                // Re-checked under the lock so two concurrent offers cannot install an older version last.
                LoadedModel now = current.get();
                if (now != null && v.model().version() <= now.version()) {
                    v = stale(v.model().file(), now);
                } else {
                    current.set(v.model());
                    loaded.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
        if (v.accepted()) {
            metrics.weightsAccepted(v.model().version());
        } else {
            metrics.weightsRejected(v.reason());
        }
        return v;
    }

    private Verdict validate(String recordKey, byte[] bytes, ModelSignature signature) {
        if (bytes == null || bytes.length == 0) {
            return Verdict.rejected("empty", "weights record is empty");
        }
        ModelVerifier.Failure unsigned = verifier.check(bytes, signature);
        if (unsigned != null) {
            return Verdict.rejected(unsigned.label, switch (unsigned) {
                case UNSIGNED -> "weights record carries no signature (headers " + ModelSignature.SIGNATURE_HEADER + ", "
                        + ModelSignature.KEY_ID_HEADER + ")";
                case UNTRUSTED_KEY -> "weights signed by key " + signature.keyId() + ", not one of the trusted " + verifier.keyIds();
                case BAD_SIGNATURE -> "signature under key " + signature.keyId() + " does not match the weights bytes";
            });
        }
        ModelFile file;
        try {
            file = ModelReader.read(bytes);
        } catch (ModelFormatException e) {
            return Verdict.rejected(ServingMetrics.reasonLabel(e.reason()), e.getMessage());
        }
        LoadedModel now = current.get();
        ModelAcceptance.Rejection refused = acceptance.check(recordKey, file.header(), now == null ? null : now.version());
        if (refused != null) {
            return Verdict.rejected(refused.reason(), refused.message());
        }
        ModelSpec spec = file.header().spec();
        if (spec.inputSize() != Features.count(spec)) {
            return Verdict.rejected("incompatible", "model " + file.header().name() + " v" + file.header().version()
                    + " takes " + spec.inputSize() + " inputs per step, this service feeds " + Features.count(spec)
                    + (spec.seasonLag() > 0 ? " with a season lag of " + spec.seasonLag() + " steps" : "")
                    + (spec.hasProfile() ? " with a profile of " + spec.profileBins() + " bins" : ""));
        }
        if (now != null && file.header().version() <= now.version()) {
            return stale(file, now);
        }
        return new Verdict(true, "accepted", "model " + file.header().name() + " v" + file.header().version(),
                new LoadedModel(file, new Forecaster(file.header().spec(), file.parameters(), kernels)));
    }

    private static Verdict stale(ModelFile file, LoadedModel now) {
        return Verdict.rejected("stale", "model " + file.header().name() + " v" + file.header().version()
                + " is not newer than the serving v" + now.version());
    }

    /**
     * Waits up to {@code timeout} for a model, without spinning.
     *
     * @return the model, or null if none arrived in time
     */
    public LoadedModel await(Duration timeout) throws InterruptedException {
        LoadedModel m = current.get();
        if (m != null) {
            return m;
        }
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while ((m = current.get()) == null && nanos > 0) {
                nanos = loaded.awaitNanos(nanos);
            }
            return m;
        } finally {
            lock.unlock();
        }
    }

    /** For tests and the readiness check: whether a model is loaded. */
    public boolean isLoaded() {
        return current.get() != null;
    }

}
