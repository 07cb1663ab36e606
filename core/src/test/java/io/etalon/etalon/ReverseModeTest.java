package io.etalon.etalon;

class ReverseModeTest implements SolverContract {

    @Override
    public EtalonSolver solver() {
        return new ReverseMode();
    }
}
