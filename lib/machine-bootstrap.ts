/**
 * The one-time `docker-machine` bootstrap that runs before the runner service first starts (F01):
 * concurrent first `docker-machine create` calls corrupt the certificates, so one create runs
 * alone first, under a lock, and its machine is removed again.
 */
export class MachineBootstrap {
  /**
   * One `docker-machine create` with the runner's real driver and MachineOptions, then
   * `docker-machine rm` (what GitLab's procedure advises). It validates the driver options and
   * credentials but starts one cloud VM for a minute or two.
   */
  public static fullMachine(): MachineBootstrap {
    return new MachineBootstrap('full');
  }

  /**
   * Only creates the certificates (`docker-machine create --driver none`): no cloud VM, no cost.
   * You lose the early check of the driver options and credentials: a wrong option then shows up
   * only when the runner creates its first machine.
   */
  public static certificatesOnly(): MachineBootstrap {
    return new MachineBootstrap('certs-only');
  }

  private constructor(
    /** Value passed to the host script as GLR_BOOTSTRAP_MODE. */
    public readonly mode: 'full' | 'certs-only',
  ) {}
}
