package io.dmactl.cli;

/**
 * A command ended for a reason the user can act on, with the exit code that says which kind
 * ({@link ExitCodes}). The message is printed as the one line of the error, so it says what
 * was wrong, with the value at fault, and what to do.
 */
public final class DmactlException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public DmactlException(int exitCode, String message) {
        super(message);
        this.exitCode = checkCode(exitCode);
    }

    public DmactlException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = checkCode(exitCode);
    }

    public int exitCode() {
        return exitCode;
    }

    private static int checkCode(int exitCode) {
        if (exitCode <= ExitCodes.OK || exitCode > 255) {
            throw new IllegalArgumentException("exit code " + exitCode + " is not a failure code (1-255)");
        }
        return exitCode;
    }
}
