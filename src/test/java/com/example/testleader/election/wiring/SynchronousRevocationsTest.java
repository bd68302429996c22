package com.example.testleader.election.wiring;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.context.event.EventListener;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.integration.leader.event.AbstractLeaderEvent;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@ExtendWith(OutputCaptureExtension.class)
class SynchronousRevocationsTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withBean(SynchronousRevocations.class);

	@Test
	void anAsyncRevocationListenerMethodStopsStartUpNamingTheBeanAndTheMethod() {
		this.runner.withUserConfiguration(AsyncEnabled.class)
			.withBean("auditTrail", AsyncRevocationMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(AsyncRevocationException.class)
				.hasMessageStartingWith("Revocation listeners must be synchronous: ")
				.hasMessageContaining("bean 'auditTrail': " + AsyncRevocationMethod.class.getName()
						+ "#onRevoked(OnRevokedEvent)")
				.hasMessageContaining("the Lease would be released while that work still runs")
				.hasMessageContaining("return only once the work it stops has stopped")
				.hasMessageNotContaining("multicaster"));
	}

	@Test
	void anAsyncApplicationListenerOfRevocationsStopsStartUpThoughItIsProxied() {
		this.runner.withUserConfiguration(AsyncEnabled.class)
			.withBean("revocationHook", AsyncRevocationApplicationListener.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageStartingWith("Revocation listeners must be synchronous: ")
				.hasMessageContaining("bean 'revocationHook': " + AsyncRevocationApplicationListener.class.getName()
						+ "#onApplicationEvent(OnRevokedEvent)"));
	}

	@Test
	void anAsyncClassListeningToASupertypeOfRevocationsStopsStartUp() {
		this.runner.withUserConfiguration(AsyncEnabled.class)
			.withBean("leaderEvents", BackgroundLeaderEventListener.class)
			.withBean("everyEvent", BackgroundApplicationListener.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("bean 'leaderEvents': " + BackgroundLeaderEventListener.class.getName()
						+ "#onLeaderEvent(AbstractLeaderEvent)")
				.hasMessageContaining("bean 'everyEvent': " + BackgroundApplicationListener.class.getName()
						+ "#onApplicationEvent(ApplicationEvent)"));
	}

	@Test
	void anAsyncRevocationListenerIsRefusedEvenBeforeAsyncIsEnabled() {
		this.runner.withBean("auditTrail", AsyncRevocationMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("bean 'auditTrail'"));
	}

	@Test
	void aLazyBeanIsCheckedByItsTypeWithoutBeingCreated() {
		this.runner.withUserConfiguration(LazyListeners.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanFactory().containsSingleton("synchronousRevocationListener")).isFalse();
		});
		this.runner.withUserConfiguration(LazyListeners.class, LazyAsyncListener.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("bean 'asyncRevocationListener'"));
	}

	@Test
	void asyncListenersOfOtherEventsAndSynchronousRevocationListenersStart() {
		this.runner.withUserConfiguration(AsyncEnabled.class)
			.withBean(AsyncOtherEventListeners.class)
			.withBean(AsyncGrantListener.class)
			.withBean(SynchronousRevocationListener.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aMulticasterWithATaskExecutorStopsStartUp() {
		this.runner.withBean("applicationEventMulticaster", ApplicationEventMulticaster.class, () -> {
			SimpleApplicationEventMulticaster multicaster = new SimpleApplicationEventMulticaster();
			multicaster.setTaskExecutor(new SimpleAsyncTaskExecutor("events-"));
			return multicaster;
		})
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(AsyncRevocationException.class)
				.hasMessageStartingWith("Revocation listeners must be synchronous: ")
				.hasMessageContaining("an application event multicaster that calls listeners on another thread")
				.hasMessageContaining("Remove the task executor from the 'applicationEventMulticaster' bean")
				.hasMessageContaining("supportsAsyncExecution() = false is not enough"));
	}

	@Test
	void aMulticasterThatCallsListenersOnThePublishingThreadStarts() {
		this.runner.withBean("applicationEventMulticaster", ApplicationEventMulticaster.class, () -> {
			SimpleApplicationEventMulticaster multicaster = new SimpleApplicationEventMulticaster();
			multicaster.setTaskExecutor(new SyncTaskExecutor());
			return multicaster;
		}).withBean(SynchronousRevocationListener.class).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void theDefaultMulticasterStarts() {
		this.runner.withBean(SynchronousRevocationListener.class).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void theFailureAnalysisListsEveryCauseAndWhatToDoAboutEach() {
		this.runner.withBean("auditTrail", AsyncRevocationMethod.class)
			.withBean("applicationEventMulticaster", ApplicationEventMulticaster.class, () -> {
				SimpleApplicationEventMulticaster multicaster = new SimpleApplicationEventMulticaster();
				multicaster.setTaskExecutor(new SimpleAsyncTaskExecutor("events-"));
				return multicaster;
			})
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new AsyncRevocationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).startsWith("Revocation listeners must be synchronous: ")
					.contains("\n - an @Async listener of OnRevokedEvent, bean 'auditTrail'",
							"\n - an application event multicaster that calls listeners on another thread");
				assertThat(analysis.getAction()).contains("Make each @Async listener synchronous",
						"Remove the task executor");
			});
	}

	@Test
	void theApplicationExplainsTheFailureWhenItRefusesToStart(CapturedOutput output) {
		assertThatExceptionOfType(AsyncRevocationException.class)
			.isThrownBy(() -> new SpringApplicationBuilder(SynchronousRevocations.class, AsyncRevocationMethod.class)
				.web(WebApplicationType.NONE)
				.properties("spring.main.banner-mode=off")
				.run());
		assertThat(output).contains("APPLICATION FAILED TO START", "Revocation listeners must be synchronous: ",
				String.format("Action:%n%nMake each @Async listener synchronous"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncEnabled {

	}

	static class AsyncRevocationMethod {

		@Async
		@EventListener
		void onRevoked(OnRevokedEvent event) {
		}

	}

	/** Implements an interface, so {@code @EnableAsync} proxies it with a JDK proxy. */
	static class AsyncRevocationApplicationListener implements ApplicationListener<OnRevokedEvent> {

		@Async
		@Override
		public void onApplicationEvent(OnRevokedEvent event) {
		}

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Async
	@interface InTheBackground {

	}

	@InTheBackground
	static class BackgroundLeaderEventListener {

		@EventListener
		void onLeaderEvent(AbstractLeaderEvent event) {
		}

	}

	@InTheBackground
	static class BackgroundApplicationListener implements ApplicationListener<ApplicationEvent> {

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
		}

	}

	static class AsyncOtherEventListeners {

		@Async
		@EventListener
		void onAudit(AuditEvent event) {
		}

		@Async
		@EventListener(OnGrantedEvent.class)
		void onGranted() {
		}

	}

	static class AsyncGrantListener implements ApplicationListener<OnGrantedEvent> {

		@Async
		@Override
		public void onApplicationEvent(OnGrantedEvent event) {
		}

	}

	static class SynchronousRevocationListener {

		@EventListener
		void onRevoked(OnRevokedEvent event) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyListeners {

		@Bean
		@Lazy
		SynchronousRevocationListener synchronousRevocationListener() {
			return new SynchronousRevocationListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyAsyncListener {

		@Bean
		@Lazy
		AsyncRevocationMethod asyncRevocationListener() {
			return new AsyncRevocationMethod();
		}

	}

	static class AuditEvent extends ApplicationEvent {

		AuditEvent(Object source) {
			super(source);
		}

	}

}
