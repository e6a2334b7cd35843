package org.forecaster.faults.harness;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends input at a steady pace on its own thread ({@code batch} records every {@code every}), so that a fault lands
 * while the stream is flowing and input keeps arriving while a process is down. Every send is acknowledged before
 * {@link #awaitDone} returns.
 */
public final class Feeder implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;

    public Feeder(String bootstrap, List<ProducerRecord<String, byte[]>> records, int batch, Duration every) {
        producer = KafkaIO.producer(bootstrap);
        thread = Thread.ofPlatform().name("feeder").daemon().start(() -> {
            try {
                for (int i = 0; i < records.size() && !stopping; i += batch) {
                    List<Future<RecordMetadata>> acks = records.subList(i, Math.min(records.size(), i + batch)).stream()
                            .map(producer::send).toList();
                    producer.flush();
                    for (Future<RecordMetadata> a : acks) {
                        a.get();
                    }
                    sent.addAndGet(acks.size());
                    Thread.sleep(every.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | RuntimeException e) {
                failure.set(e);
            }
        });
    }

    /** Records acknowledged so far. */
    public int sent() {
        return sent.get();
    }

    /** Waits until every record is acknowledged; fails if a send failed or it takes longer than {@code timeout}. */
    public void awaitDone(Duration timeout) throws InterruptedException, TimeoutException {
        thread.join(timeout);
        if (failure.get() != null) {
            throw new AssertionError("sending the input failed", failure.get());
        }
        if (thread.isAlive()) {
            throw new TimeoutException("the input was not all acknowledged within " + timeout + " (" + sent() + " sent)");
        }
    }

    /**
     * Sends no batch after the one in flight, waits until that one is acknowledged and returns how many records were
     * sent: whole batches from the start of the list, so a test that feeds until its faults are over knows its input.
     * Fails as {@link #awaitDone} does.
     */
    public int stop(Duration timeout) throws InterruptedException, TimeoutException {
        stopping = true;
        awaitDone(timeout);
        return sent();
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        producer.close(Duration.ofSeconds(5));
    }
}
