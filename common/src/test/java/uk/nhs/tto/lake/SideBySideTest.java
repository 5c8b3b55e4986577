package uk.nhs.tto.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Two pieces of work run at the same time, and the caller hears of either's failure as it was raised. */
class SideBySideTest {

  @Test
  void bothRunAtTheSameTime() {
    CountDownLatch aStarted = new CountDownLatch(1);
    CountDownLatch bStarted = new CountDownLatch(1);
    AtomicBoolean aSawB = new AtomicBoolean();
    AtomicBoolean bSawA = new AtomicBoolean();

    // Each waits for the other to have started: one after the other, neither would see the other.
    SideBySide.run("test-a", () -> {
      aStarted.countDown();
      aSawB.set(await(bStarted));
    }, () -> {
      bStarted.countDown();
      bSawA.set(await(aStarted));
    });

    assertThat(aSawB).isTrue();
    assertThat(bSawA).isTrue();
  }

  @Test
  void aFailureOnTheOtherThreadIsRethrownAsRaisedAfterTheCallersWorkFinished() {
    AtomicBoolean bFinished = new AtomicBoolean();
    IllegalArgumentException raised = new IllegalArgumentException("a failed");

    assertThatThrownBy(() -> SideBySide.run("test-a", () -> {
      throw raised;
    }, () -> bFinished.set(true))).isSameAs(raised);
    assertThat(bFinished).isTrue();
  }

  @Test
  void whenBothFailTheFirstOnesFailureIsRethrown() {
    IllegalStateException aFailure = new IllegalStateException("a failed");

    assertThatThrownBy(() -> SideBySide.run("test-a", () -> {
      throw aFailure;
    }, () -> {
      throw new IllegalArgumentException("b failed");
    })).isSameAs(aFailure);
  }

  @Test
  void aFailureOfTheCallersWorkIsRethrownOnceTheOtherFinished() {
    AtomicBoolean aFinished = new AtomicBoolean();
    IllegalArgumentException raised = new IllegalArgumentException("b failed");

    assertThatThrownBy(() -> SideBySide.run("test-a", () -> {
      await(new CountDownLatch(0));
      aFinished.set(true);
    }, () -> {
      throw raised;
    })).isSameAs(raised);
    assertThat(aFinished).isTrue();
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
