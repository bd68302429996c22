package com.example.testleader.events;

import java.time.temporal.ChronoUnit;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link LeadershipChange} as a core/v1 Event regarding the Lease, the way
 * client-go's recorder does for its leader election: type {@code Normal}, reason
 * {@code LeaderElection}, named {@code <lease>.<hex nanoseconds>}, with
 * {@code firstTimestamp}, {@code lastTimestamp} and {@code count: 1} (the legacy form,
 * which needs no {@code action}). So {@code kubectl describe lease} and
 * {@code kubectl get events} show it.
 *
 * <p>
 * The involved object carries the Lease's UID, which {@code kubectl describe} matches on,
 * read just before the write: after a deletion the Lease is a new object with a new UID.
 * An Event is written once; a failed one is not retried (its queue has moved on).
 *
 * <p>
 * It runs on the events' own thread with a client of its own, built from the same
 * configuration as the election's but with its own connections, timeouts and threads, so
 * a slow or failing events API cannot hold up a renewal. A write cut off by the timeout
 * may still land later: at worst an Event appears late, never twice.
 */
final class LeaseEventWriter implements AutoCloseable {

	static final String REASON = "LeaderElection";

	private static final Logger log = LoggerFactory.getLogger(LeaseEventWriter.class);

	private final KubernetesClient client;

	private final String namespace;

	private final String component;

	/** @param client its own client, closed with it */
	LeaseEventWriter(KubernetesClient client, String namespace, String component) {
		this.client = client;
		this.namespace = namespace;
		this.component = component;
	}

	/** Creates the Event on the Lease of the change's role; throws what the API answered if it could not. */
	void write(LeadershipChange change) {
		this.client.v1()
			.events()
			.inNamespace(this.namespace)
			.resource(event(change, leaseUid(change.role())))
			.create();
	}

	Event event(LeadershipChange change, String leaseUid) {
		String time = change.at().truncatedTo(ChronoUnit.SECONDS).toString();
		long nanos = change.at().getEpochSecond() * 1_000_000_000L + change.at().getNano();
		return new EventBuilder().withNewMetadata()
			.withName(change.role() + "." + Long.toHexString(nanos))
			.withNamespace(this.namespace)
			.endMetadata()
			.withNewInvolvedObject()
			.withApiVersion("coordination.k8s.io/v1")
			.withKind("Lease")
			.withNamespace(this.namespace)
			.withName(change.role())
			.withUid(leaseUid)
			.endInvolvedObject()
			.withType("Normal")
			.withReason(REASON)
			.withMessage(change.message())
			.withFirstTimestamp(time)
			.withLastTimestamp(time)
			.withCount(1)
			.withNewSource()
			.withComponent(this.component)
			.endSource()
			.withReportingComponent(this.component)
			.withReportingInstance(change.identity())
			.build();
	}

	/** The Lease's UID now, or {@code null} if it cannot be read: the Event is still worth writing. */
	private String leaseUid(String lease) {
		try {
			Lease current = this.client.leases().inNamespace(this.namespace).withName(lease).get();
			return (current != null) ? current.getMetadata().getUid() : null;
		}
		catch (KubernetesClientException ex) {
			log.debug("Could not read Lease {}/{} for its UID; the Event names it without: {}", this.namespace,
					lease, ex.getMessage());
			return null;
		}
	}

	/** Closes the client, which this writer owns. */
	@Override
	public void close() {
		this.client.close();
	}

}
