package com.example.testleader.election.wiring;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.EventListener;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.MethodIntrospector.MetadataLookup;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.scheduling.annotation.Async;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import com.example.testleader.election.LeaseElector;

/**
 * Refuses to start when an {@link OnRevokedEvent} could be delivered after publishing it
 * has returned.
 *
 * <p>
 * The elector releases the Lease as soon as the revocation has been published
 * ({@link LeaseElector}'s step-down): it trusts every listener to return only once the
 * work it guards has stopped, as the critical task's does. An asynchronous listener breaks
 * that without a sound: publishing returns at once, the Lease is released, and another
 * replica starts the work while it still runs here. Two things make a listener
 * asynchronous, and both are checked once every singleton exists, so the refresh fails
 * before any lifecycle, the elector's included, has started:
 * <ul>
 * <li>A multicaster that calls listeners on another thread, as
 * {@code SimpleApplicationEventMulticaster} does once it has a task executor. This is
 * probed, not read from the multicaster: a private {@link Probe} is published the way
 * revocations are and must reach this bean on the publishing thread before
 * {@code publishEvent} returns; delivered on another thread, it fails even if it was
 * quick enough to finish first. Any multicaster is so judged by what it does, and an
 * executor that runs tasks on the caller's thread passes. The probe does not opt out with
 * {@link ApplicationListener#supportsAsyncExecution()}, because it stands for the critical
 * task's revocation listener, an {@code @EventListener} method, and Spring gives those no
 * way to opt out. Opting out makes an executor safe only if every revocation listener does,
 * which therefore never holds here: any executor that takes ordinary listeners is
 * refused.</li>
 * <li>{@link Async @Async}, directly or as a meta-annotation, on a listener method or its
 * class (an {@code @EventListener} method or {@code onApplicationEvent}), where it can
 * receive an {@code OnRevokedEvent} (it listens to that event or to a supertype). Found
 * from bean types the way Spring finds {@code @EventListener} methods, so lazy beans are
 * not created for it. It is refused whether or not {@code @EnableAsync} is active: any
 * configuration, a library's included, can activate it later, and a listener marked
 * {@code @Async} was written to return early.</li>
 * </ul>
 *
 * <p>
 * Not detected: a listener that hands its work to a thread or executor of its own and
 * returns without waiting; listeners that are not beans (added to the
 * {@code SpringApplication} or the context directly); a lazy {@code @Bean} whose declared
 * return type hides the listener's class; a multicaster asynchronous for some event types
 * only. Listeners of every {@link ApplicationEvent} also receive the one probe at start-up.
 */
final class SynchronousRevocations
		implements SmartInitializingSingleton, ApplicationListener<SynchronousRevocations.Probe> {

	private final ConfigurableListableBeanFactory beanFactory;

	private final ApplicationEventPublisher publisher;

	SynchronousRevocations(ConfigurableListableBeanFactory beanFactory, ApplicationEventPublisher publisher) {
		this.beanFactory = beanFactory;
		this.publisher = publisher;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> asyncListeners = asyncRevocationListeners();
		boolean asyncMulticaster = !deliversOnThePublishingThread();
		if (!asyncListeners.isEmpty() || asyncMulticaster) {
			throw new AsyncRevocationException(asyncListeners, asyncMulticaster);
		}
	}

	@Override
	public void onApplicationEvent(Probe probe) {
		if (probe.getSource() == this) {
			probe.deliveredOn = Thread.currentThread();
		}
	}

	private boolean deliversOnThePublishingThread() {
		Probe probe = new Probe(this);
		this.publisher.publishEvent(probe);
		return probe.deliveredOn == Thread.currentThread();
	}

	private List<String> asyncRevocationListeners() {
		return Arrays.stream(this.beanFactory.getBeanNamesForType(Object.class, true, false))
			.filter((name) -> !ScopedProxyUtils.isScopedTarget(name))
			.flatMap((name) -> {
				Class<?> type = typeOf(name);
				return (type != null) ? asyncListenerMethods(type).map((method) -> describe(name, type, method))
						: Stream.empty();
			})
			.toList();
	}

	/**
	 * The class Spring looks for listeners on: a proxy's target, as recorded when it was
	 * proxied, else the bean's type, found without creating the bean or its factory. A
	 * lazy bean whose class cannot be loaded listens to nothing yet; Spring reports it
	 * when it is used.
	 */
	private Class<?> typeOf(String name) {
		try {
			if (this.beanFactory.containsBeanDefinition(name) && this.beanFactory.getMergedBeanDefinition(name)
				.getAttribute(AutoProxyUtils.ORIGINAL_TARGET_CLASS_ATTRIBUTE) instanceof Class<?> target) {
				return target;
			}
			Class<?> type = this.beanFactory.getType(name, false);
			return (type != null) ? ClassUtils.getUserClass(type) : null;
		}
		catch (BeansException ex) {
			return null;
		}
	}

	private static Stream<Method> asyncListenerMethods(Class<?> type) {
		boolean asyncType = AnnotatedElementUtils.hasAnnotation(type, Async.class);
		return Stream.concat(eventListenerMethods(type), applicationListenerMethods(type))
			.distinct()
			.filter((method) -> asyncType || AnnotatedElementUtils.hasAnnotation(method, Async.class));
	}

	private static Stream<Method> eventListenerMethods(Class<?> type) {
		if (!AnnotationUtils.isCandidateClass(type, EventListener.class)) {
			return Stream.empty();
		}
		Map<Method, EventListener> listeners = MethodIntrospector.selectMethods(type,
				(MetadataLookup<EventListener>) (method) -> AnnotatedElementUtils.findMergedAnnotation(method,
						EventListener.class));
		return listeners.entrySet()
			.stream()
			.filter((listener) -> receivesRevocations(eventTypes(listener.getKey(), listener.getValue())))
			.map(Map.Entry::getKey);
	}

	/** As Spring reads them: the annotation's classes if it names any, else the parameter's. */
	private static Class<?>[] eventTypes(Method method, EventListener listener) {
		return (listener.classes().length > 0) ? listener.classes() : method.getParameterTypes();
	}

	private static Stream<Method> applicationListenerMethods(Class<?> type) {
		if (!ApplicationListener.class.isAssignableFrom(type)) {
			return Stream.empty();
		}
		ResolvableType eventType = ResolvableType.forClass(type).as(ApplicationListener.class).getGeneric();
		if (!receivesRevocations(eventType.resolve(ApplicationEvent.class))) {
			return Stream.empty();
		}
		return Arrays.stream(ReflectionUtils.getUniqueDeclaredMethods(type,
				(method) -> method.getName().equals("onApplicationEvent") && method.getParameterCount() == 1
						&& !method.isBridge()));
	}

	private static boolean receivesRevocations(Class<?>... eventTypes) {
		return Arrays.stream(eventTypes).anyMatch((eventType) -> eventType.isAssignableFrom(OnRevokedEvent.class));
	}

	private static String describe(String name, Class<?> type, Method method) {
		return "bean '" + name + "': " + type.getName() + "#" + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

	/** Published once, at start-up; records the thread that delivered it here. */
	static final class Probe extends ApplicationEvent {

		private volatile Thread deliveredOn;

		Probe(SynchronousRevocations source) {
			super(source);
		}

	}

}
