package com.example.testleader.benchmark;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import com.example.testleader.local.LocalKubernetesApi;
import com.example.testleader.local.LocalTestLeaderApplication;

import static org.awaitility.Awaitility.await;

/**
 * A run's API server: the in-process API as its own process on loopback, warmed up before
 * the replicas start, with the benchmark's admin client and its own watch of the Lease. Every
 * Lease version that watch sees lands in the run's events ({@code RENEWED}, {@code DELETED}),
 * and so does the API process dying under a run ({@code FAULT}), which explains every failure
 * after it.
 */
final class ApiServer implements AutoCloseable {

	private final Process process;

	private final String url;

	private final KubernetesClient admin;

	private volatile boolean closing;

	/**
	 * Starts the API with its log in {@code logs}, waits until it accepts connections, warms
	 * it up and starts watching the Lease into {@code events}.
	 */
	ApiServer(Path logs, Events events) throws IOException {
		int port = freePort();
		this.process = new ProcessBuilder(ServiceJar.java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				LocalTestLeaderApplication.class.getName(), "--local.api-only", "--local.api.port=" + port)
			.redirectErrorStream(true)
			.redirectOutput(logs.resolve("api.log").toFile())
			.start();
		this.url = "http://127.0.0.1:" + port;
		// an API that dies under a run explains every failure after it: say so, with its status
		this.process.onExit().thenAccept((ended) -> {
			if (!this.closing) {
				events.add("api", Events.Kind.FAULT, "API process exited, status " + ended.exitValue());
			}
		});
		await().atMost(Duration.ofSeconds(30)).until(() -> accepts(port));
		this.admin = new KubernetesClientBuilder().withConfig(LocalKubernetesApi.clientConfig(this.url)).build();
		warmUp();
		this.admin.leases().inNamespace("default").withName("test-lease").watch(new Watcher<Lease>() {

			@Override
			public void eventReceived(Action action, Lease lease) {
				String holder = (lease.getSpec() != null) ? lease.getSpec().getHolderIdentity() : null;
				events.add("api", (action == Action.DELETED) ? Events.Kind.DELETED : Events.Kind.RENEWED, holder);
			}

			@Override
			public void onClose(WatcherException cause) {
			}

		});
	}

	/** Where the replicas' fault proxies forward to. */
	String url() {
		return this.url;
	}

	KubernetesClient admin() {
		return this.admin;
	}

	/**
	 * Exercises the in-process API's read, write and watch paths on another Lease until its
	 * JIT has compiled them. It stands in for a real API server, which is always warm; cold,
	 * it takes tens of milliseconds per write and would dominate every handover measured.
	 */
	private void warmUp() {
		Lease lease = this.admin.leases()
			.inNamespace("default")
			.resource(new LeaseBuilder().withNewMetadata()
				.withName("warm-up")
				.endMetadata()
				.withNewSpec()
				.withHolderIdentity("benchmark")
				.withLeaseDurationSeconds(15)
				.endSpec()
				.build())
			.create();
		Watch watch = this.admin.leases().inNamespace("default").withName("warm-up").watch(new Watcher<Lease>() {

			@Override
			public void eventReceived(Action action, Lease resource) {
			}

			@Override
			public void onClose(WatcherException cause) {
			}

		});
		for (int i = 0; i < 3000; i++) {
			Lease stale = lease;
			lease.getSpec().setLeaseTransitions(i);
			lease = this.admin.leases().inNamespace("default").resource(lease).update();
			this.admin.leases().inNamespace("default").withName("warm-up").get();
			if (i % 3 == 0) {
				try {
					this.admin.leases().inNamespace("default").resource(stale).update();
				}
				catch (KubernetesClientException conflict) {
					// the 409 path of a lost race, warmed too
				}
			}
		}
		watch.close();
	}

	/** Closes the admin client and kills the API; its exit is no fault then. */
	@Override
	public void close() {
		this.closing = true;
		this.admin.close();
		this.process.destroyForcibly();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
