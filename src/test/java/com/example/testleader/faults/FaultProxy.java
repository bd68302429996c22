package com.example.testleader.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between one client and the API server, to cut that client off
 * without touching the others.
 * <ul>
 * <li>{@link Mode#PASS}: bytes flow both ways.</li>
 * <li>{@link Mode#BLACKHOLE}: a silent partition. Connections stay open (new ones are
 * accepted) but no byte is forwarded in either direction, so requests hang.</li>
 * <li>{@link Mode#UNAVAILABLE}: every request is answered {@code 503 Service
 * Unavailable} by the proxy itself.</li>
 * <li>{@link Mode#DOWN}: as if the server were down: open connections are closed and new
 * ones closed at once.</li>
 * </ul>
 * It also counts the HTTP/1.1 requests that pass through it, and can cut its client off at
 * one chosen moment ({@link #cutOffOnceServed}): when the server's answer to a request
 * arrives, as if the client's process died right after that request landed.
 * Connections that lost bytes are closed when the proxy passes traffic again, as a real
 * network's broken connections would be.
 */
public final class FaultProxy implements AutoCloseable {

	private static final String STATUS_503 = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
			+ "\"code\":503,\"reason\":\"ServiceUnavailable\"}";

	private static final byte[] UNAVAILABLE = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
			+ "Content-Length: " + STATUS_503.length() + "\r\nConnection: close\r\n\r\n" + STATUS_503)
		.getBytes(StandardCharsets.US_ASCII);

	public enum Mode {

		PASS, BLACKHOLE, UNAVAILABLE, DOWN

	}

	private final ServerSocket listener;

	private final String scheme;

	private final String upstreamHost;

	private final int upstreamPort;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private volatile Mode mode = Mode.PASS;

	private final AtomicLong requests = new AtomicLong();

	private volatile boolean closed;

	// armed by cutOffOnceServed: what, in the server's bytes, cuts the client off, and what runs then
	private volatile byte[] cutMark;

	private volatile Runnable onCut;

	private final AtomicBoolean cut = new AtomicBoolean();

	public FaultProxy(String upstreamUrl) throws IOException {
		URI upstream = URI.create(upstreamUrl);
		this.scheme = upstream.getScheme();
		this.upstreamHost = upstream.getHost();
		this.upstreamPort = upstream.getPort();
		this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
		Thread acceptor = new Thread(this::accept, "fault-proxy-" + this.listener.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** The proxy's URL, with the upstream's scheme (TLS passes through untouched). */
	public String url() {
		return this.scheme + "://127.0.0.1:" + this.listener.getLocalPort();
	}

	public Mode mode() {
		return this.mode;
	}

	public void mode(Mode mode) {
		this.mode = mode;
		if (mode == Mode.PASS) {
			this.connections.stream().filter(Connection::tainted).forEach(Connection::close);
		}
		if (mode == Mode.DOWN) {
			dropConnections();
		}
	}

	/**
	 * From now on, the first bytes from the server that contain {@code mark} (an answer, or
	 * an event on a watch) are not passed on, and the client is cut off for good
	 * ({@link Mode#BLACKHOLE}); then {@code then} runs, once. What the client sent before
	 * has landed; it learns nothing more, as if its process had died the moment the server
	 * took its last request.
	 */
	public void cutOffOnceServed(String mark, Runnable then) {
		this.onCut = then;
		this.cutMark = mark.getBytes(StandardCharsets.UTF_8);
	}

	/** HTTP/1.1 requests seen so far (websocket frames after an upgrade are not counted). */
	public long requests() {
		return this.requests.get();
	}

	/** Closes every open connection, as a broken network would; new ones are accepted. */
	public void dropConnections() {
		this.connections.forEach(Connection::close);
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.listener.accept();
				if (this.mode == Mode.DOWN) {
					client.close();
					continue;
				}
				Socket server;
				try {
					server = new Socket(this.upstreamHost, this.upstreamPort);
				}
				catch (IOException ex) {
					client.close();
					continue;
				}
				// forward small writes at once, as the endpoints themselves do (Nagle's algorithm
				// with delayed acknowledgements would add up to 40 ms per request)
				client.setTcpNoDelay(true);
				server.setTcpNoDelay(true);
				Connection connection = new Connection(client, server);
				this.connections.add(connection);
				connection.start();
			}
			catch (IOException ex) {
				if (!this.closed) {
					continue;
				}
				return;
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		this.connections.forEach(Connection::close);
	}

	/** Finds request lines ("... HTTP/1.1\r\n") in a byte stream, across reads. */
	private static final class RequestCounter {

		private static final byte[] MARK = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

		private int matched;

		int count(byte[] bytes, int length) {
			int found = 0;
			for (int i = 0; i < length; i++) {
				this.matched = (bytes[i] == MARK[this.matched]) ? this.matched + 1 : ((bytes[i] == MARK[0]) ? 1 : 0);
				if (this.matched == MARK.length) {
					found++;
					this.matched = 0;
				}
			}
			return found;
		}

	}

	/** Finds a mark in a byte stream, across reads. */
	private static final class MarkFinder {

		private byte[] tail = new byte[0];

		boolean found(byte[] mark, byte[] bytes, int length) {
			if (mark == null) {
				return false;
			}
			byte[] seen = new byte[this.tail.length + length];
			System.arraycopy(this.tail, 0, seen, 0, this.tail.length);
			System.arraycopy(bytes, 0, seen, this.tail.length, length);
			int keep = Math.min(mark.length - 1, seen.length);
			this.tail = Arrays.copyOfRange(seen, seen.length - keep, seen.length);
			for (int i = 0; i + mark.length <= seen.length; i++) {
				if (Arrays.equals(seen, i, i + mark.length, mark, 0, mark.length)) {
					return true;
				}
			}
			return false;
		}

	}

	private final class Connection {

		private final Socket client;

		private final Socket server;

		private volatile boolean tainted;

		Connection(Socket client, Socket server) {
			this.client = client;
			this.server = server;
		}

		boolean tainted() {
			return this.tainted;
		}

		void start() {
			pump("up", this.client, this.server, true);
			pump("down", this.server, this.client, false);
		}

		private void pump(String direction, Socket from, Socket to, boolean request) {
			Thread thread = new Thread(() -> {
				byte[] buffer = new byte[16 * 1024];
				RequestCounter counter = new RequestCounter();
				MarkFinder served = new MarkFinder();
				try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
					int read;
					while ((read = in.read(buffer)) != -1) {
						if (request) {
							FaultProxy.this.requests.addAndGet(counter.count(buffer, read));
						}
						if (!request && served.found(FaultProxy.this.cutMark, buffer, read)) {
							FaultProxy.this.mode = Mode.BLACKHOLE;
							if (FaultProxy.this.cut.compareAndSet(false, true)) {
								FaultProxy.this.onCut.run();
							}
						}
						Mode current = FaultProxy.this.mode;
						if (current == Mode.BLACKHOLE) {
							this.tainted = true;
						}
						else if (current == Mode.UNAVAILABLE && request) {
							this.client.getOutputStream().write(UNAVAILABLE);
							this.client.getOutputStream().flush();
							close();
							return;
						}
						else {
							out.write(buffer, 0, read);
							out.flush();
						}
					}
				}
				catch (IOException ex) {
					// the other side went away
				}
				finally {
					close();
				}
			}, "fault-proxy-" + direction);
			thread.setDaemon(true);
			thread.start();
		}

		void close() {
			closeQuietly(this.client);
			closeQuietly(this.server);
			FaultProxy.this.connections.remove(this);
		}

		private static void closeQuietly(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// nothing left to do
			}
		}

	}

}
