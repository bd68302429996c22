package com.example.testleader.local;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * fabric8's in-process Kubernetes API in CRUD mode, over plain HTTP on loopback: real
 * HTTP, 409 on stale resourceVersions, watches. Expectations set through
 * {@link #server()} take precedence over CRUD. In tests every answered request is
 * recorded with the moment its answer was ready.
 *
 * <p>
 * {@link LocalTestLeaderApplication} serves it for the local mode.
 */
public final class LocalKubernetesApi implements AutoCloseable {

	public static final int DEFAULT_PORT = 6443;

	private final KubernetesMockServer server;

	private final List<ApiCall> calls = new CopyOnWriteArrayList<>();

	/** Header a test client may send to be told apart ({@link #delay}). */
	public static final String CLIENT_HEADER = "X-Test-Client";

	private volatile Predicate<String> refused = (path) -> false;

	private volatile Predicate<String> forbidden = (path) -> false;

	private volatile Function<ApiRequest, Duration> delays = (request) -> Duration.ZERO;

	private LocalKubernetesApi(int port, boolean record) {
		Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
		Dispatcher crud = new KubernetesMixedDispatcher(responses);
		this.server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
				record ? new Recording(crud, this.calls, (path) -> this.refused.test(path),
						(path) -> this.forbidden.test(path),
						(request) -> this.delays.apply(request)) : crud,
				false);
		try {
			this.server.init(InetAddress.getByName("127.0.0.1"), port);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Starts on {@code port} (0 picks a free one), recording every request. */
	public static LocalKubernetesApi start(int port) {
		return new LocalKubernetesApi(port, true);
	}

	/** Starts on {@code port} without recording requests, to serve for a long time. */
	public static LocalKubernetesApi serve(int port) {
		return new LocalKubernetesApi(port, false);
	}

	public String url() {
		return "http://127.0.0.1:" + this.server.getPort();
	}

	public int port() {
		return this.server.getPort();
	}

	public KubernetesMockServer server() {
		return this.server;
	}

	/** Requests answered so far, in the order their answers were ready. */
	public List<ApiCall> calls() {
		return List.copyOf(this.calls);
	}

	/** From now on, answers requests whose path and query match with 500 (recorded). */
	public void refuse(Predicate<String> pathAndQuery) {
		this.refused = pathAndQuery;
	}

	/** From now on, answers requests whose path and query match with 403, as RBAC would (recorded). */
	public void forbid(Predicate<String> pathAndQuery) {
		this.forbidden = pathAndQuery;
	}

	/**
	 * From now on, answers each request {@code delay} after it took effect, as a slow
	 * server or network would: a write is applied at once, only its answer is late.
	 */
	public void delay(Function<ApiRequest, Duration> delay) {
		this.delays = delay;
	}

	/** The first successful update that cleared the holder: a release. */
	public Optional<ApiCall> firstRelease() {
		return this.calls.stream()
			.filter((call) -> call.method().equals("PUT") && call.succeeded())
			.filter((call) -> {
				String holder = Serialization.unmarshal(call.body(), Lease.class).getSpec().getHolderIdentity();
				return holder == null || holder.isEmpty();
			})
			.findFirst();
	}

	/** A client configuration for this API, ignoring any kubeconfig on the machine. */
	public Config clientConfig() {
		return clientConfig(url());
	}

	public static Config clientConfig(String url) {
		return new ConfigBuilder(Config.empty()).withMasterUrl(url).withNamespace("default").build();
	}

	public KubernetesClient client() {
		return new KubernetesClientBuilder().withConfig(clientConfig()).build();
	}

	@Override
	public void close() {
		this.server.destroy();
	}

	/**
	 * One request as the API answered it.
	 *
	 * @param method HTTP method
	 * @param path request path and query
	 * @param body request body
	 * @param status response status
	 * @param receivedAtNanos {@link System#nanoTime()} when the request arrived
	 * @param answeredAtNanos {@link System#nanoTime()} once the answer was ready (for a
	 * write: after it took effect)
	 * @param client the {@link #CLIENT_HEADER} it carried, or {@code null}
	 */
	public record ApiCall(String method, String path, String body, int status, long receivedAtNanos,
			long answeredAtNanos, String client) {

		public boolean isWrite() {
			return this.method.equals("PUT") || this.method.equals("POST") || this.method.equals("PATCH")
					|| this.method.equals("DELETE");
		}

		public boolean succeeded() {
			return this.status >= 200 && this.status < 300;
		}

	}

	/**
	 * A request as {@link #delay} sees it.
	 *
	 * @param method HTTP method
	 * @param path request path and query
	 * @param client the {@link #CLIENT_HEADER} it carried, or {@code null}
	 * @param status the status of its answer
	 */
	public record ApiRequest(String method, String path, String client, int status) {

		/** A read of one object by name (not a list or a watch). */
		public boolean isGetByName() {
			return this.method.equals("GET") && !this.path.contains("?");
		}

	}

	private static final class Recording extends Dispatcher {

		private final Dispatcher delegate;

		private final List<ApiCall> calls;

		private final Predicate<String> refused;

		private final Predicate<String> forbidden;

		private final Function<ApiRequest, Duration> delays;

		Recording(Dispatcher delegate, List<ApiCall> calls, Predicate<String> refused, Predicate<String> forbidden,
				Function<ApiRequest, Duration> delays) {
			this.delegate = delegate;
			this.calls = calls;
			this.refused = refused;
			this.forbidden = forbidden;
			this.delays = delays;
		}

		@Override
		public MockResponse dispatch(RecordedRequest request) {
			long received = System.nanoTime();
			// reading the body consumes it: hand the dispatcher a copy
			String body = request.getUtf8Body();
			RecordedRequest copy = new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(),
					request.getHeaders(), (body != null) ? new Buffer().writeUtf8(body) : null);
			MockResponse response = this.refused.test(request.getPath())
					? new MockResponse().setResponseCode(500).setBody("{\"kind\":\"Status\",\"code\":500}")
					: this.forbidden.test(request.getPath()) ? new MockResponse().setResponseCode(403)
						.setBody("{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}")
					: invalid(request.getMethod(), body) ? new MockResponse().setResponseCode(422)
						.setBody("{\"kind\":\"Status\",\"code\":422,\"reason\":\"Invalid\",\"message\":"
								+ "\"spec.leaseTransitions: must be greater than or equal to 0\"}")
							: this.delegate.dispatch(copy);
			Duration delay = this.delays
				.apply(new ApiRequest(request.getMethod(), request.getPath(), request.getHeader(CLIENT_HEADER),
						response.code()));
			if (!delay.isZero()) {
				response.setBodyDelay(delay);
			}
			this.calls.add(new ApiCall(request.getMethod(), request.getPath(), body, response.code(), received,
					System.nanoTime(), request.getHeader(CLIENT_HEADER)));
			return response;
		}

		/** What a real API server's validation refuses of a Lease: a negative leaseTransitions. */
		private static boolean invalid(String method, String body) {
			if (!(method.equals("PUT") || method.equals("POST")) || body == null || !body.contains("\"Lease\"")) {
				return false;
			}
			Lease lease = Serialization.unmarshal(body, Lease.class);
			return lease.getSpec() != null && lease.getSpec().getLeaseTransitions() != null
					&& lease.getSpec().getLeaseTransitions() < 0;
		}

		@Override
		public void shutdown() {
			this.delegate.shutdown();
		}

	}

}
