package com.example.testleader.election;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every version of every Lease in a namespace, as a watch delivers them to an outside
 * observer, timed on arrival: the record the invariants of the election are checked
 * against, role by role.
 * <p>
 * Public for the tests of the election's other packages.
 */
public final class LeaseWatchLog implements AutoCloseable {

	private final List<Seen> seen = new CopyOnWriteArrayList<>();

	private final SharedIndexInformer<Lease> informer;

	public LeaseWatchLog(KubernetesClient client, String namespace) {
		this.informer = client.leases().inNamespace(namespace).inform(new ResourceEventHandler<>() {

			@Override
			public void onAdd(Lease lease) {
				record(lease);
			}

			@Override
			public void onUpdate(Lease before, Lease after) {
				record(after);
			}

			@Override
			public void onDelete(Lease lease, boolean finalStateUnknown) {
			}

		});
	}

	private void record(Lease lease) {
		LeaseRecord record = new LeaseRecord(lease);
		this.seen.add(new Seen(System.nanoTime(), lease.getMetadata().getName(), record.holder(),
				record.fencingToken(), record.handedTo().orElse(null), Handshake.offeredTo(record).orElse(null),
				record.acquireTime(), record.renewTime()));
	}

	public List<Seen> seen() {
		return List.copyOf(this.seen);
	}

	/**
	 * In every role the fencing token never went down, and every new holder wrote a
	 * higher one than any holder before it.
	 */
	public void assertTokensRisePerRole() {
		Map<String, Seen> last = new HashMap<>();
		for (Seen each : this.seen) {
			Seen before = last.put(each.role(), each);
			if (before == null) {
				continue;
			}
			assertThat(each.token()).as("fencing token of %s after %s", each, before).isGreaterThanOrEqualTo(before.token());
			if (each.holder() != null && !each.holder().equals(before.holder())) {
				assertThat(each.token()).as("token of new holder %s after %s", each, before).isGreaterThan(before.token());
			}
		}
	}

	/**
	 * In no role did a holder replace another directly (without a release between them)
	 * sooner than {@code leaseDuration} after the other's last renewal: nobody took a live
	 * lease. Judged by the times the replicas wrote into the records (one machine's clock
	 * here), not by when the watch delivered them, which a busy machine delays by seconds.
	 */
	public void assertNoLiveLeaseTakenOver(Duration leaseDuration) {
		Map<String, Seen> last = new HashMap<>();
		for (Seen each : this.seen) {
			Seen before = last.put(each.role(), each);
			if (before == null || before.holder() == null || each.holder() == null
					|| each.holder().equals(before.holder())) {
				continue;
			}
			assertThat(Duration.between(before.renewTime(), each.acquireTime()))
				.as("%s took role %s from %s", each.holder(), each.role(), before.holder())
				.isGreaterThanOrEqualTo(leaseDuration);
		}
	}

	/**
	 * The most roles that were handed over and not yet taken at the same time, in
	 * {@code seen} (a stretch of {@link #seen()} that starts with every role held).
	 */
	public static int mostHandoversAtOnce(List<Seen> seen) {
		Map<String, Boolean> inTransit = new HashMap<>();
		int most = 0;
		for (Seen each : seen) {
			inTransit.put(each.role(), each.handedTo() != null);
			most = Math.max(most, (int) inTransit.values().stream().filter(Boolean::booleanValue).count());
		}
		return most;
	}

	/** Every version seen since the first {@code from} (a size of {@link #seen()} taken earlier). */
	public List<Seen> since(int from) {
		List<Seen> all = seen();
		return all.subList(from, all.size());
	}

	@Override
	public void close() {
		this.informer.close();
	}

	/**
	 * One version of one Lease.
	 *
	 * @param nanos when the watch delivered it
	 * @param role the Lease's name
	 * @param holder its holder identity, {@code null} if none
	 * @param token its fencing token
	 * @param handedTo for a release handed to one replica, that replica's name
	 * @param offeredTo while held, the replica its holder offers it to
	 * @param acquireTime when its term began, as its holder wrote it
	 * @param renewTime when it was last renewed, as its holder wrote it
	 */
	public record Seen(long nanos, String role, String holder, long token, String handedTo, String offeredTo,
			ZonedDateTime acquireTime, ZonedDateTime renewTime) {
	}

}
