package com.example.testleader.election;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The election's only access to the API server: get, create and update of one Lease,
 * each cut off after a given time, and a watch of it.
 *
 * <p>
 * The cut-off is this class's own, not the HTTP client's: the call runs on a helper
 * thread, and when its time is up the caller stops waiting and interrupts it, however
 * long the client's timeouts, retries or a silently dropped connection would have kept
 * it. An abandoned call may still reach the server later; that is safe, because every
 * write carries the resourceVersion it was built from.
 * <p>
 * Internal: for the election's own packages.
 */
public final class LeaseApi implements AutoCloseable {

	private final KubernetesClient client;

	private final String namespace;

	private final String name;

	private final ExecutorService calls;

	public LeaseApi(KubernetesClient client, String namespace, String name) {
		this.client = Objects.requireNonNull(client, "client");
		this.namespace = namespace;
		this.name = name;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("lease-api-");
		threads.setDaemon(true);
		this.calls = Executors.newCachedThreadPool(threads);
	}

	String describe() {
		return this.namespace + "/" + this.name;
	}

	String namespace() {
		return this.namespace;
	}

	String name() {
		return this.name;
	}

	/** The Lease, or empty if it does not exist. */
	Optional<LeaseRecord> get(Duration timeout) {
		return call(timeout, () -> Optional.ofNullable(lease().get()).map(LeaseRecord::new));
	}

	/** Creates the Lease; a 409 Conflict means another replica created it first. */
	LeaseRecord create(Lease lease, Duration timeout) {
		return call(timeout, () -> new LeaseRecord(leases().resource(lease).create()));
	}

	/**
	 * Replaces the Lease if it is still at {@code lease}'s resourceVersion (409 Conflict
	 * otherwise). An update without a resourceVersion is refused here: the in-process test
	 * API would accept it, a real API server would not, and it could overwrite another
	 * replica's write.
	 */
	LeaseRecord update(Lease lease, Duration timeout) {
		if (lease.getMetadata().getResourceVersion() == null) {
			throw new IllegalArgumentException("An update of Lease " + describe() + " must carry a resourceVersion");
		}
		return call(timeout, () -> new LeaseRecord(leases().resource(lease).update()));
	}

	/**
	 * Watches the Lease with a fabric8 informer (list, then watch, re-established after any
	 * failure, for ever) and reports every version it sees, deletions as {@code null}.
	 * Starts without blocking; the informer's events are delivered one at a time.
	 * @param changed receives each new version of the Lease
	 * @param deleted receives the last version of a deleted Lease
	 */
	SharedIndexInformer<Lease> watch(Consumer<LeaseRecord> changed, Consumer<LeaseRecord> deleted) {
		SharedIndexInformer<Lease> informer = lease().runnableInformer(0);
		informer.addEventHandler(new ResourceEventHandler<Lease>() {

			@Override
			public void onAdd(Lease lease) {
				changed.accept(new LeaseRecord(lease));
			}

			@Override
			public void onUpdate(Lease before, Lease after) {
				changed.accept(new LeaseRecord(after));
			}

			@Override
			public void onDelete(Lease lease, boolean finalStateUnknown) {
				deleted.accept(new LeaseRecord(lease));
			}

		});
		informer.exceptionHandler((started, failure) -> true);
		informer.start();
		return informer;
	}

	/**
	 * Builds and serializes each kind of write once, without sending it, so that a
	 * handover does not first load their classes and serializers (tens of milliseconds on
	 * a small machine).
	 */
	void prepareWrites() {
		ZonedDateTime now = ZonedDateTime.now();
		Duration duration = Duration.ofSeconds(1);
		LeaseRecord sample = new LeaseRecord(LeaseRecord.created(this.namespace, this.name, "-", duration, now, 0L));
		KubernetesSerialization serialization = this.client.getKubernetesSerialization();
		for (Lease write : List.of(sample.acquiredBy("-", duration, now, 1), sample.renewedAt(duration, now),
				sample.releasedBy("-", now))) {
			serialization.unmarshal(serialization.asJson(write), Lease.class);
		}
	}

	private Resource<Lease> lease() {
		return leases().withName(this.name);
	}

	private NonNamespaceOperation<Lease, LeaseList, Resource<Lease>> leases() {
		return this.client.leases().inNamespace(this.namespace);
	}

	private <T> T call(Duration timeout, Supplier<T> operation) {
		Future<T> result = this.calls.submit(operation::get);
		try {
			return result.get(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			result.cancel(true);
			throw new LeaseApiTimeoutException(describe(), timeout);
		}
		catch (InterruptedException ex) {
			result.cancel(true);
			Thread.currentThread().interrupt();
			throw new KubernetesClientException("Interrupted while calling the API for Lease " + describe(), ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new KubernetesClientException("Call for Lease " + describe() + " failed", ex.getCause());
		}
	}

	@Override
	public void close() {
		this.calls.shutdownNow();
		this.client.close();
	}

	/** A call was cut off: its outcome on the server is unknown. */
	static final class LeaseApiTimeoutException extends RuntimeException {

		LeaseApiTimeoutException(String lease, Duration timeout) {
			this("No answer from the API server for Lease " + lease + " within " + timeout.toMillis() + " ms");
		}

		LeaseApiTimeoutException(String message) {
			super(message);
		}

	}

}
