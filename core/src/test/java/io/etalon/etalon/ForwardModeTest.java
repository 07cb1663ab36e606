package io.etalon.etalon;

class ForwardModeTest implements SolverContract {

    @Override
    public EtalonSolver solver() {
        return new ForwardMode();
    }
}
