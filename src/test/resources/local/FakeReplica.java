import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for a replica's process, for tests of its supervision
 * ({@code com.example.testleader.local.SupervisedReplicaTest}): a small JVM that answers
 * {@code /actuator/health/readiness} on the given port, 200 while the given file exists
 * and 503 otherwise, so that the test decides its readiness.
 *
 * <p>
 * Launched from this source file ({@code java FakeReplica.java PORT FILE}), not compiled
 * with the tests: a second main class among the test classes would leave
 * {@code ./mvnw spring-boot:test-run} unable to pick the local mode's.
 */
final class FakeReplica {

	private FakeReplica() {
	}

	/** @param args the management port, and the file whose presence means ready */
	public static void main(String[] args) throws IOException {
		Path readyFile = Path.of(args[1]);
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 0);
		server.createContext("/actuator/health/readiness", (exchange) -> {
			exchange.sendResponseHeaders(Files.exists(readyFile) ? 200 : 503, -1);
			exchange.close();
		});
		server.start();
		System.out.println("fake replica answering on port " + args[0]);
	}

}
