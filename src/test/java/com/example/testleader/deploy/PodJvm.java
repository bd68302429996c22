package com.example.testleader.deploy;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The JVM options of a container of {@code k8s/deployment.yaml}, as far as they can be known
 * without its image: the container's {@code JAVA_TOOL_OPTIONS} as the kubelet expands them,
 * then what Paketo's launch helpers append that sizes the JVM (the memory calculator's heap
 * and direct memory) or watches it (native memory tracking, on by default). Not included:
 * helpers that only set properties (security providers, certificates), and the CDS archive,
 * which whoever starts the JVM adds.
 *
 * <p>
 * The tests hold the manifest's stated heap to {@link #heap()}; the benchmark starts its
 * replicas with {@link #outsideAContainer()}.
 */
public final class PodJvm {

	private static final Pattern REFERENCE = Pattern.compile("\\$\\((\\w+)\\)");

	private final Container container;

	private PodJvm(Container container) {
		this.container = container;
	}

	/** The Deployment's one container. */
	public static PodJvm fromManifest() throws IOException {
		Deployment deployment = Manifests.one(Manifests.all(), Deployment.class);
		return new PodJvm(deployment.getSpec().getTemplate().getSpec().getContainers().get(0));
	}

	/**
	 * The container's {@code JAVA_TOOL_OPTIONS} with {@code $(VAR)} replaced as the kubelet
	 * does: by a variable defined earlier in the container's env, its value or its resource
	 * field (in units of its divisor, rounded up).
	 */
	public List<String> javaToolOptions() {
		List<EnvVar> env = this.container.getEnv();
		EnvVar options = variable("JAVA_TOOL_OPTIONS").orElseThrow();
		Matcher references = REFERENCE.matcher(options.getValue());
		StringBuilder expanded = new StringBuilder();
		while (references.find()) {
			EnvVar referenced = variable(references.group(1))
				.filter((found) -> env.indexOf(found) < env.indexOf(options))
				.orElseThrow(() -> new IllegalStateException(
						references.group() + " in JAVA_TOOL_OPTIONS names no variable defined before it"));
			references.appendReplacement(expanded, Matcher.quoteReplacement(valueOf(referenced)));
		}
		references.appendTail(expanded);
		return Arrays.stream(expanded.toString().trim().split("\\s+")).toList();
	}

	/**
	 * The heap Paketo's memory calculator (libjvm's {@code calc}) gives: the memory limit less
	 * the head room ({@code BPL_JVM_HEAD_ROOM} %), direct memory (10M unless set), metaspace,
	 * reserved code cache (240M unless set) and one stack (1M unless set) per counted thread
	 * ({@code BPL_JVM_THREAD_COUNT}). Metaspace must be set: otherwise the calculator derives
	 * it from the number of classes in the image, which cannot be read here.
	 */
	public long heap() {
		List<String> options = javaToolOptions();
		long total = memoryLimit();
		long headRoom = (long) (Integer.parseInt(variable("BPL_JVM_HEAD_ROOM").orElseThrow().getValue()) / 100.0
				* total);
		int threads = Integer.parseInt(variable("BPL_JVM_THREAD_COUNT").orElseThrow().getValue());
		long direct = size(options, "-XX:MaxDirectMemorySize=").orElse(10L << 20);
		long metaspace = size(options, "-XX:MaxMetaspaceSize=")
			.orElseThrow(() -> new IllegalStateException("-XX:MaxMetaspaceSize must be set in JAVA_TOOL_OPTIONS"));
		long codeCache = size(options, "-XX:ReservedCodeCacheSize=").orElse(240L << 20);
		long stack = size(options, "-Xss").orElse(1L << 20);
		return total - headRoom - direct - metaspace - codeCache - stack * threads;
	}

	/** What the JVM gets in the pod: {@link #javaToolOptions()} and the helpers' additions. */
	public List<String> launchOptions() {
		List<String> options = new ArrayList<>(javaToolOptions());
		if (size(options, "-XX:MaxDirectMemorySize=").isEmpty()) {
			options.add("-XX:MaxDirectMemorySize=10M");
		}
		options.add("-Xmx" + heap() / 1024 + "K");
		if (!variable("BPL_JAVA_NMT_ENABLED").map(EnvVar::getValue).orElse("true").equals("false")) {
			options.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:NativeMemoryTracking=summary",
					"-XX:+PrintNMTStatistics"));
		}
		return options;
	}

	/**
	 * {@link #launchOptions()} for a JVM outside a container: there it would size itself
	 * (its initial heap is 1/64 of memory) to the machine instead of the container's limit,
	 * which {@code -XX:MaxRAM} gives it instead. The CPU limit is not enforced, only named
	 * (by {@code -XX:ActiveProcessorCount}, as in the pod).
	 */
	public List<String> outsideAContainer() {
		List<String> options = new ArrayList<>(launchOptions());
		options.add("-XX:MaxRAM=" + memoryLimit());
		return options;
	}

	private long memoryLimit() {
		return this.container.getResources().getLimits().get("memory").getNumericalAmount().longValueExact();
	}

	private String valueOf(EnvVar variable) {
		if (variable.getValue() != null) {
			return variable.getValue();
		}
		ResourceFieldSelector field = variable.getValueFrom().getResourceFieldRef();
		if (field == null) {
			throw new IllegalStateException(variable.getName() + " is known only in a pod");
		}
		String[] resource = field.getResource().split("\\.");
		Quantity quantity = resource[0].equals("limits") ? this.container.getResources().getLimits().get(resource[1])
				: this.container.getResources().getRequests().get(resource[1]);
		BigDecimal divisor = (field.getDivisor() != null) ? field.getDivisor().getNumericalAmount() : BigDecimal.ONE;
		return quantity.getNumericalAmount().divide(divisor, 0, RoundingMode.CEILING).toPlainString();
	}

	private Optional<EnvVar> variable(String name) {
		return this.container.getEnv().stream().filter((env) -> env.getName().equals(name)).findFirst();
	}

	private static Optional<Long> size(List<String> options, String flag) {
		return options.stream()
			.filter((option) -> option.startsWith(flag))
			.reduce((first, last) -> last)
			.map((option) -> bytes(option.substring(flag.length()), flag));
	}

	private static long bytes(String value, String flag) {
		long amount = Long.parseLong(value.substring(0, value.length() - 1));
		return switch (Character.toLowerCase(value.charAt(value.length() - 1))) {
			case 'k' -> amount << 10;
			case 'm' -> amount << 20;
			case 'g' -> amount << 30;
			default -> throw new IllegalArgumentException(flag + value);
		};
	}

}
